// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Synchronization
import TalkContentExchange
import TalkGetData
import UTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The nodes of `discv5 demo` and the steps it runs on them.
final class DemoNetwork: Sendable {
    /// The `getdata` key of the large value.
    static let valueKey = "demo.bin"

    private let configuration: NodeConfiguration
    private let nodes = Mutex<[Node]>([])

    init(configuration: NodeConfiguration) {
        self.configuration = configuration
    }

    /// Shuts every started node down.
    func shutdown() async {
        let nodes = self.nodes.withLock { nodes in
            defer { nodes = [] }
            return nodes
        }
        await withTaskGroup(of: Void.self) { group in
            for node in nodes { group.addTask { await node.shutdown() } }
        }
    }

    /// Starts the network, waits for discovery, moves the value and the offer, prints the summary.
    ///
    /// - Throws: ``CLIError`` `failure` when a step fails.
    func run(nodeCount: Int, valueSize: Int, itemCount: Int, timeout: Duration) async throws {
        let start = ContinuousClock.now
        let nodes = try await self.start(count: nodeCount)
        print("started \(nodeCount) nodes on 127.0.0.1, all bootstrapping from \(nodes[0].localEndpoint)")
        flushStandardOutput()

        let found = try await Self.discover(nodes)
        for (index, count) in found.enumerated() {
            print(
                "  node \(index) (\(nodes[index].nodeID.hexString.prefix(8))…): found \(count.known)/\(nodeCount - 1)"
                    + " (\(count.live) verified live)"
            )
        }
        let known = found.map(\.known)
        let discoverySeconds = (ContinuousClock.now - start).seconds
        print(
            "discovery: \(known.min() ?? 0)...\(known.max() ?? 0) peers per node in \(formatDecimal(discoverySeconds, digits: 2)) s"
        )
        flushStandardOutput()

        // getdata: node 1 serves a large value, the last node fetches it over uTP.
        let server = nodes[1]
        let client = nodes[nodeCount - 1]
        let value = Self.patternBytes(count: valueSize, seed: 0xD15C_0005)
        let expectedDigest = Hex.encode(SHA256.hash(value))
        let store = InMemoryGetDataStore()
        try store.set(value, for: Array(Self.valueKey.utf8))
        try server.register(GetDataServer(store: store))
        let fetched = try await Fetch.run(
            client: GetDataClient(node: client),
            key: Array(Self.valueKey.utf8),
            from: server.localRecord,
            timeout: timeout,
            showProgress: isatty(STDERR_FILENO) != 0,
            trace: nil,
            sink: try OutputSink(path: nil, discard: true)
        )
        guard fetched.bytes == UInt64(valueSize), fetched.sha256 == expectedDigest else {
            throw CLIError.failure(
                "demo: getdata moved \(fetched.bytes) bytes with sha256 \(fetched.sha256), expected \(valueSize) with \(expectedDigest)"
            )
        }
        print("getdata: \(fetched.summary) (matches)")
        flushStandardOutput()

        // Content exchange: the client offers items; the server already holds the first one.
        let offered = try await Self.offer(from: client, to: server, itemCount: itemCount)
        print("offer: \(offered)")

        let total = (ContinuousClock.now - start).seconds
        let rtt = fetched.rttMilliseconds.map { formatDecimal($0, digits: 2) + " ms" } ?? "n/a"
        print(
            "summary: \(nodeCount) nodes, each found \(known.min() ?? 0)+ peers; "
                + "\(formatBytes(fetched.bytes)) at \(formatDecimal(fetched.megabytesPerSecond, digits: 1)) MB/s, "
                + "RTT \(rtt), retransmissions \(fetched.statistics?.retransmissions ?? 0); "
                + "total \(formatDecimal(total, digits: 2)) s"
        )
        print("demo ok")
    }

    private func start(count: Int) async throws -> [Node] {
        var bootnodeConfiguration = self.configuration
        bootnodeConfiguration.engine = .bootnode
        bootnodeConfiguration.logger = self.configuration.logger
        let bootnode = try await Self.startNode(bootnodeConfiguration, bootnodes: [])
        self.nodes.withLock { $0.append(bootnode) }
        for _ in 1..<count {
            let node = try await Self.startNode(self.configuration, bootnodes: [bootnode.localRecord])
            self.nodes.withLock { $0.append(node) }
        }
        return self.nodes.withLock { $0 }
    }

    private static func startNode(_ configuration: NodeConfiguration, bootnodes: [ENR]) async throws -> Node {
        do {
            return try await Node.start(
                configuration: configuration,
                privateKey: Secp256k1.PrivateKey(),
                bootnodes: bootnodes
            )
        } catch {
            throw NodeOptions.cliError(error, doing: "starting a demo node")
        }
    }

    /// How many others one node knows after discovery: in its table (any state) and verified live.
    struct Found: Sendable {
        var known = 0
        var live = 0
    }

    /// Runs rounds of lookups (each node for another node's id, rotating) until every node's table
    /// holds all others, at most 20 s; returns how many others each node found.
    private static func discover(_ nodes: [Node]) async throws -> [Found] {
        let deadline = ContinuousClock.now + .seconds(20)
        var round = 0
        while true {
            let found = await withTaskGroup(of: (Int, Found).self) { group in
                for (index, node) in nodes.enumerated() {
                    let target = nodes[(index + 1 + round) % nodes.count].nodeID
                    group.addTask {
                        _ = try? await node.lookup(target: target == node.nodeID ? nodes[0].nodeID : target)
                        let others = Set(nodes.map(\.nodeID)).subtracting([node.nodeID])
                        let known = Set(await node.tableRecords(onlyLive: false).map(\.nodeID))
                        let live = Set(await node.tableRecords(onlyLive: true).map(\.nodeID))
                        return (
                            index,
                            Found(known: others.intersection(known).count, live: others.intersection(live).count)
                        )
                    }
                }
                var found = [Found](repeating: Found(), count: nodes.count)
                for await (index, value) in group { found[index] = value }
                return found
            }
            round += 1
            if found.allSatisfy({ $0.known == nodes.count - 1 }) || ContinuousClock.now >= deadline {
                guard found.allSatisfy({ $0.known > 0 }) else {
                    throw CLIError.failure("demo: discovery failed, peers found per node: \(found.map(\.known))")
                }
                return found
            }
        }
    }

    /// Offers `itemCount` items of 256 KiB from `client` to `server` (which already holds the
    /// first) and checks that the accepted ones arrived.
    private static func offer(from client: Node, to server: Node, itemCount: Int) async throws -> String {
        let items: [(key: [UInt8], value: [UInt8])] = (0..<itemCount).map { index in
            (key: Array("item-\(index)".utf8), value: patternBytes(count: 256 << 10, seed: 0xC0FFEE + UInt64(index)))
        }
        let store = InMemoryContentStore([items[0].key: items[0].value])
        let (receipts, continuation) = AsyncStream.makeStream(of: ContentOfferReceipt.self)
        try server.register(ContentExchangeServer(store: store) { continuation.yield($0) })
        let start = ContinuousClock.now
        let codes = try await ContentExchangeClient(node: client).offer(items: items, to: server.localRecord)
        guard let receipt = await receipts.first(where: { _ in true }) else {
            throw CLIError.failure("demo: the offer's transfer never completed")
        }
        if let error = receipt.error { throw CLIError.failure("demo: the offered items did not arrive: \(error)") }
        let accepted = codes.indices.filter { codes[$0].isAccepted }
        for index in accepted where await store.content(for: items[index].key) != items[index].value {
            throw CLIError.failure("demo: offered item \(index) arrived corrupted")
        }
        let bytes = accepted.reduce(0) { $0 + items[$1].value.count }
        let seconds = (ContinuousClock.now - start).seconds
        let declined = codes.filter { !$0.isAccepted }.map(\.description)
        return "\(itemCount) items offered, \(accepted.count) accepted (\(formatBytes(UInt64(bytes))) stored in "
            + "\(formatDecimal(seconds, digits: 2)) s), declined: \(declined.isEmpty ? "none" : declined.joined(separator: ", "))"
    }

    /// Deterministic pseudo-random bytes (SplitMix64 in 8-byte blocks).
    static func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                for shift in 0..<min(8, raw.count - offset) {
                    raw[offset + shift] = UInt8(truncatingIfNeeded: z >> UInt64(8 * shift))
                }
                offset += 8
            }
        }
        return bytes
    }
}
