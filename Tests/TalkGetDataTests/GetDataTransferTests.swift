// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Crypto
import ENR
import Foundation
import PluginTestSupport
import Synchronization
import TalkGetData
import TestSupport
import Testing
import UTP

@Suite("GetData between two nodes over real UDP on 127.0.0.1")
struct GetDataTransferTests {
    @Test func smallValueComesInline() async throws {
        try await withNodes(2) { nodes in
            let value = testBytes(count: GetData.maximumInlineValueLength, seed: 1)
            let store = InMemoryGetDataStore([Array("small".utf8): value])
            try nodes[0].register(GetDataServer(store: store))
            let client = GetDataClient(node: nodes[1])
            let transfer = try await client.getStream(key: Array("small".utf8), from: nodes[0].localRecord)
            #expect(transfer.stream == nil, "a value of the inline maximum must not use uTP")
            #expect(try await transfer.collect() == value)
        }
    }

    /// The issue's integration figure: 64 MiB over GetData + uTP between two nodes on real UDP.
    @Test func sixtyFourMebibyteValueArrivesByteExactOverUTP() async throws {
        try await withNodes(2) { nodes in
            let value = testBytes(count: 64 << 20, seed: 2)
            try nodes[0].register(GetDataServer(store: InMemoryGetDataStore([Array("big".utf8): value])))
            let client = GetDataClient(node: nodes[1])
            let peer = nodes[0].localRecord
            let lastProgress = Mutex<(UInt64, UInt64)>((0, 0))
            let received = try await withTimeout(.seconds(120)) {
                try await client.get(key: Array("big".utf8), from: peer) { soFar, total in
                    lastProgress.withLock { $0 = (soFar, total) }
                }
            }
            #expect(received.count == value.count)
            #expect(received == value)
            #expect(lastProgress.withLock { $0 } == (UInt64(value.count), UInt64(value.count)))
        }
    }

    @Test func fileIsStreamedWithItsExactLength() async throws {
        let directory = NSTemporaryDirectory() + "getdata-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // An odd size: not a multiple of the 64 KiB chunk nor of the uTP payload.
        let contents = testBytes(count: 3 * 65_536 + 12_345, seed: 3)
        try Data(contents).write(to: URL(fileURLWithPath: directory + "/file.bin"))
        try Data("tiny".utf8).write(to: URL(fileURLWithPath: directory + "/tiny.txt"))
        try await withNodes(2) { nodes in
            try nodes[0].register(GetDataServer(store: try DirectoryGetDataStore(root: directory)))
            let client = GetDataClient(node: nodes[1])
            let peer = nodes[0].localRecord
            let file = try await withTimeout(.seconds(60)) {
                try await client.get(key: Array("file.bin".utf8), from: peer)
            }
            #expect(file == contents)
            #expect(try await client.get(key: Array("tiny.txt".utf8), from: peer) == Array("tiny".utf8))
            let error = await #expect(throws: TalkGetDataError.self) {
                try await client.get(key: Array("../etc/passwd".utf8), from: peer)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test func unknownKeyIsNotFound() async throws {
        try await withNodes(2) { nodes in
            try nodes[0].register(GetDataServer(store: InMemoryGetDataStore()))
            let client = GetDataClient(node: nodes[1])
            let error = await #expect(throws: TalkGetDataError.self) {
                try await client.get(key: Array("missing".utf8), from: nodes[0].localRecord)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test func valueOverTheClientsMaximumIsRefused() async throws {
        try await withNodes(2) { nodes in
            let value = testBytes(count: 100_000, seed: 4)
            try nodes[0].register(GetDataServer(store: InMemoryGetDataStore([Array("v".utf8): value])))
            let client = GetDataClient(node: nodes[1], maximumLength: 50_000)
            let error = await #expect(throws: TalkGetDataError.self) {
                try await client.get(key: Array("v".utf8), from: nodes[0].localRecord)
            }
            #expect(error?.code == .valueTooLarge)
        }
    }

    @Test func streamShorterThanAnnouncedIsAnErrorNeverSuccess() async throws {
        try await withNodes(2) { nodes in
            let actual = testBytes(count: 50_000, seed: 6)
            try nodes[0].register(LyingGetDataServer(announced: 50_001, actual: actual))
            let client = GetDataClient(node: nodes[1])
            let peer = nodes[0].localRecord
            let error = await #expect(throws: TalkGetDataError.self) {
                try await withTimeout(.seconds(30)) { try await client.get(key: [0x01], from: peer) }
            }
            #expect(error?.code == .shortTransfer)
        }
    }

    @Test func streamLongerThanAnnouncedIsAnError() async throws {
        try await withNodes(2) { nodes in
            try nodes[0].register(LyingGetDataServer(announced: 40_000, actual: testBytes(count: 50_000, seed: 7)))
            let client = GetDataClient(node: nodes[1])
            let peer = nodes[0].localRecord
            let error = await #expect(throws: TalkGetDataError.self) {
                try await withTimeout(.seconds(30)) { try await client.get(key: [0x01], from: peer) }
            }
            #expect(error?.code == .longTransfer)
        }
    }

    /// The server node shuts down while a large value is in flight: the client throws, it never
    /// returns a short value.
    @Test func serverVanishingMidTransferFailsTheGet() async throws {
        let server = try await Node.start(configuration: nodeConfiguration(), privateKey: Secp256k1.PrivateKey())
        let value = testBytes(count: 64 << 20, seed: 5)
        try server.register(GetDataServer(store: InMemoryGetDataStore([Array("huge".utf8): value])))
        let peer = server.localRecord
        try await withNodes(1) { nodes in
            let client = GetDataClient(node: nodes[0])
            let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
            let get = Task {
                try await client.get(key: Array("huge".utf8), from: peer) { soFar, _ in
                    if soFar >= 256 << 10 { startedContinuation.yield() }
                }
            }
            _ = try await withTimeout(.seconds(60)) { await started.first { _ in true } }
            await server.shutdown()
            let outcome = try await withTimeout(.seconds(60)) { await get.result }
            switch outcome {
            case .success(let bytes):
                Issue.record("the get returned \(bytes.count) of \(value.count) bytes instead of failing")
            case .failure(let error):
                #expect(!(error is TimedOut), "\(error)")
            }
        }
    }

    /// 100 gets of 64 KiB each from one server, all at once, from 10 client nodes (10 each).
    ///
    /// Why 10 clients: the node allows 16 uTP connections per peer, and a closed connection still
    /// counts for its ~2 s linger, so one peer can start only about 8 transfers per second with
    /// another. Each client also keeps at most `maximumConcurrentTransfersPerPeer` (here 4) in
    /// flight and queues the rest, and retries `busy`. All 100 must arrive byte-exact.
    @Test func hundredConcurrentGetsAllArriveByteExact() async throws {
        try await withNodes(11) { nodes in
            let store = InMemoryGetDataStore()
            var values: [[UInt8]] = []
            for index in 0..<100 {
                let value = testBytes(count: 64 << 10, seed: 100 + UInt64(index))
                try store.set(value, for: Array("item-\(index)".utf8))
                values.append(value)
            }
            try nodes[0].register(GetDataServer(store: store))
            // 4 in flight per client: 40 requests at once stay under the server's cap of 64
            // concurrent TALK handlers (beyond it a node answers empty at once).
            let clients = nodes.dropFirst().map { GetDataClient(node: $0, maximumConcurrentTransfersPerPeer: 4) }
            let peer = nodes[0].localRecord
            let results = try await withTimeout(.seconds(120)) {
                try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
                    for index in 0..<100 {
                        let client = clients[index % clients.count]
                        group.addTask { (index, try await client.get(key: Array("item-\(index)".utf8), from: peer)) }
                    }
                    var results: [Int: [UInt8]] = [:]
                    for try await (index, bytes) in group { results[index] = bytes }
                    return results
                }
            }
            #expect(results.count == 100)
            for index in 0..<100 {
                #expect(results[index] == values[index], "item \(index) differs")
            }
        }
    }

    /// One client asking for more concurrent transfers than the peer's limit: its own queue (8 in
    /// flight) plus `busy` retries let 24 gets complete, just more slowly.
    @Test func oneClientQueuesBeyondThePerPeerLimit() async throws {
        try await withNodes(2) { nodes in
            let value = testBytes(count: 32 << 10, seed: 9)
            try nodes[0].register(GetDataServer(store: InMemoryGetDataStore([Array("v".utf8): value])))
            let client = GetDataClient(node: nodes[1])
            let peer = nodes[0].localRecord
            let count = try await withTimeout(.seconds(60)) {
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for _ in 0..<24 {
                        group.addTask { try await client.get(key: Array("v".utf8), from: peer) == value }
                    }
                    var exact = 0
                    for try await same in group where same { exact += 1 }
                    return exact
                }
            }
            #expect(count == 24)
        }
    }
}
