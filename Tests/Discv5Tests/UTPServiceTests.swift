// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Synchronization
import TestSupport
import Testing
import UTP

/// uTP over TALKREQ between two in-process nodes on 127.0.0.1 (real UDP): the connection-id handoff in both
/// directions, the firewall, expiry, limits and failures.
@Suite("uTP over TALKREQ", .serialized)
struct UTPServiceTests {
    /// Starts nodes A and B (B runs ``BlobProtocol``), runs `body` within `limit`, shuts both down.
    func withPair<Result: Sendable>(
        limit: Duration = .seconds(30),
        utp: UTPServiceConfiguration = UTPServiceConfiguration(),
        configure: (inout NodeConfiguration) -> Void = { _ in },
        _ body: @Sendable @escaping (Node, Node, BlobProtocol) async throws -> Result
    ) async throws -> Result {
        var configuration = testConfiguration()
        configuration.utp = utp
        configure(&configuration)
        return try await withNodes(2, configuration: configuration) { nodes in
            let blob = BlobProtocol()
            try nodes[1].register(blob)
            let (a, b) = (nodes[0], nodes[1])
            return try await withTimeout(limit) { try await body(a, b, blob) }
        }
    }

    /// Room for handlers that build their test data before answering (megabytes, or twenty at once): in a
    /// debug build on a loaded machine they can outlive the default 400 ms handler deadline, and the node
    /// (correctly) answers them empty; the request that waits for them needs room too.
    static let roomy: @Sendable (inout NodeConfiguration) -> Void = {
        $0.talkHandlerDeadline = .seconds(20)
        $0.engine.protocolConfiguration.requestTimeout = .seconds(30)
    }

    /// A asks B for `size` bytes; B serves them over uTP; A reads to the end.
    static func fetch(
        _ a: Node,
        from b: Node,
        size: Int,
        seed: UInt64,
        streamed: Bool = false
    ) async throws -> [UInt8] {
        let answer = try await a.talk(
            protocol: BlobProtocol.id,
            payload: BlobProtocol.request(mode: streamed ? 3 : 0, size: size, seed: seed),
            to: b.localRecord
        )
        let id = try #require(BlobProtocol.connectionID(answer))
        let stream = try await a.utp.connect(connectionID: id, to: b.localRecord)
        let bytes = try await stream.readToEnd(maxBytes: size)
        await stream.close()
        return bytes
    }

    @Test("the utp protocol id is reserved by the node")
    func utpProtocolIsBuiltIn() async throws {
        try await withPair { a, _, _ in
            #expect(a.router.protocolIDs.contains(Array("utp".utf8)))
            #expect(throws: Discv5Error.self) { try a.registerInline(protocolID: Array("utp".utf8)) { _ in [] } }
        }
    }

    @Test("listener writes (GetData-style)", arguments: [0, 1024, 2 << 20])
    func listenerWrites(size: Int) async throws {
        var utp = UTPServiceConfiguration()
        utp.connection.closedLinger = .milliseconds(200)
        try await withPair(utp: utp, configure: Self.roomy) { a, b, _ in
            let bytes = try await Self.fetch(a, from: b, size: size, seed: UInt64(size))
            #expect(bytes.count == size)
            #expect(SHA256.hash(bytes) == SHA256.hash(testBytes(count: size, seed: UInt64(size))))
            let served = await eventually { await b.metricsSnapshot().utpServesSucceeded == 1 }
            #expect(served)
            // Everything is released once both sides closed and lingered.
            let released = await eventually {
                a.utp.activeConnectionCount == 0 && b.utp.activeConnectionCount == 0
            }
            #expect(released)
        }
    }

    @Test("64 MiB, listener writes from an async source, over real UDP: byte-exact (SHA-256)")
    func largeTransfer() async throws {
        let size = 64 << 20
        try await withPair(limit: .seconds(300)) { a, b, _ in
            let started = ContinuousClock.now
            let bytes = try await Self.fetch(a, from: b, size: size, seed: 64, streamed: true)
            let elapsed = started.duration(to: .now)
            #expect(bytes.count == size)
            #expect(SHA256.hash(bytes) == SHA256.hash(testBytes(count: size, seed: 64)))
            print("uTP over TALKREQ: 64 MiB in \(elapsed)")
        }
    }

    @Test("initiator writes (Offer-style)")
    func initiatorWrites() async throws {
        let size = 1 << 20
        try await withPair { a, b, blob in
            let answer = try await a.talk(
                protocol: BlobProtocol.id,
                payload: BlobProtocol.request(mode: 1, size: size, seed: 7),
                to: b.localRecord
            )
            let id = try #require(BlobProtocol.connectionID(answer))
            let stream = try await a.utp.connect(connectionID: id, to: b.localRecord)
            try await stream.write(testBytes(count: size, seed: 7))
            await stream.finish()
            // The reader finishes too; the inbound side then ends.
            #expect(try await stream.readToEnd(maxBytes: 0).isEmpty)
            await stream.close()
            let done = await eventually { !blob.received.results.withLock { $0.isEmpty } }
            #expect(done)
            let result = try #require(blob.received.results.withLock { $0.first })
            let bytes = try result.get()
            #expect(SHA256.hash(bytes) == SHA256.hash(testBytes(count: size, seed: 7)))
        }
    }

    @Test("a RESET after the writer's FIN, all data acknowledged, counts as success")
    func resetAfterFINIsSuccess() async throws {
        try await withPair { a, b, _ in
            let answer = try await a.talk(
                protocol: BlobProtocol.id,
                payload: BlobProtocol.request(mode: 0, size: 100_000, seed: 5),
                to: b.localRecord
            )
            let id = try #require(BlobProtocol.connectionID(answer))
            let stream = try await a.utp.connect(connectionID: id, to: b.localRecord)
            let bytes = try await stream.readToEnd(maxBytes: 100_000)
            #expect(bytes == testBytes(count: 100_000, seed: 5))
            stream.reset()  // like libtorrent forgetting the connection: no FIN of ours
            let counted = await eventually {
                let metrics = await b.metricsSnapshot()
                return metrics.utpServesSucceeded + metrics.utpServesFailed == 1
            }
            #expect(counted)
            #expect(await b.metricsSnapshot().utpServesSucceeded == 1)
        }
    }

    @Test("20 concurrent transfers between the same pair")
    func concurrentTransfers() async throws {
        var utp = UTPServiceConfiguration()
        utp.maximumConnectionsPerPeer = 32
        try await withPair(limit: .seconds(90), utp: utp, configure: Self.roomy) { a, b, _ in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let size = 128 << 10 + index * 1000
                        let bytes = try await Self.fetch(a, from: b, size: size, seed: UInt64(100 + index))
                        return bytes == testBytes(count: size, seed: UInt64(100 + index))
                    }
                }
                var correct = 0
                for try await ok in group where ok { correct += 1 }
                #expect(correct == 20)
            }
        }
    }

    @Test("a SYN nobody expects is refused (firewall)")
    func unexpectedSYNIsRefused() async throws {
        try await withPair { a, b, _ in
            let started = ContinuousClock.now
            await #expect {
                _ = try await a.utp.connect(connectionID: 0x1234, to: b.localRecord)
            } throws: { isUTPError($0, .refused) }
            #expect(started.duration(to: .now) < .seconds(5))
            #expect(await b.metricsSnapshot().utpPacketsRefused >= 1)
        }
    }

    @Test("an expectation without a SYN expires: accept() throws timedOut")
    func expectationExpires() async throws {
        var utp = UTPServiceConfiguration()
        utp.expectationLifetime = .milliseconds(300)
        try await withPair(utp: utp) { a, b, _ in
            let peer = try #require(UTPPeer(record: a.localRecord))
            let expectation = try b.utp.expect(from: peer)
            #expect(b.utp.activeConnectionCount == 1)
            await #expect {
                _ = try await expectation.accept()
            } throws: { isUTPError($0, .timedOut) }
            let released = await eventually { b.utp.activeConnectionCount == 0 }
            #expect(released)
            // The expired id is refused like any other.
            await #expect {
                _ = try await a.utp.connect(connectionID: expectation.connectionID, to: b.localRecord)
            } throws: { isUTPError($0, .refused) }
        }
    }

    @Test("limits: per peer and in total, pending expectations included")
    func limits() async throws {
        var utp = UTPServiceConfiguration()
        utp.maximumConnectionsPerPeer = 2
        utp.maximumConnections = 3
        try await withPair(utp: utp) { a, b, _ in
            let peerA = try #require(UTPPeer(record: a.localRecord))
            let first = try b.utp.expect(from: peerA)
            let second = try b.utp.expect(from: peerA)
            #expect(first.connectionID != second.connectionID)
            #expect(first.connectionID &+ 1 != second.connectionID && second.connectionID &+ 1 != first.connectionID)
            #expect(!b.utp.canAccept(from: peerA))
            #expect { try b.utp.expect(from: peerA) } throws: { isUTPError($0, .connectionLimitReached) }
            // Another peer still fits, up to the total.
            let other = UTPPeer(nodeID: b.nodeID, endpoint: a.localEndpoint)
            #expect(b.utp.canAccept(from: other))
            let third = try b.utp.expect(from: other)
            #expect(b.utp.activeConnectionCount == 3)
            #expect(!b.utp.canAccept(from: other))
            #expect { try b.utp.expect(from: other) } throws: { isUTPError($0, .connectionLimitReached) }
            // A declining sub-protocol answers 0xFF.
            let answer = try await a.talk(
                protocol: BlobProtocol.id,
                payload: BlobProtocol.request(mode: 0, size: 10, seed: 1),
                to: b.localRecord
            )
            #expect(answer == [0xFF])
            first.cancel()
            let freed = await eventually { b.utp.activeConnectionCount == 2 }
            #expect(freed)
            #expect(b.utp.canAccept(from: peerA))
            second.cancel()
            third.cancel()
            // The initiator side counts too.
            let peerB = try #require(UTPPeer(record: b.localRecord))
            let held = try (0..<2).map { _ in try a.utp.expect(from: peerB) }
            await #expect {
                _ = try await a.utp.connect(connectionID: 7, to: b.localRecord)
            } throws: { isUTPError($0, .connectionLimitReached) }
            for expectation in held { expectation.cancel() }
        }
    }

    @Test("a finished transfer frees its slot at once: back-to-back transfers past the per-peer limit, one linger")
    func finishedTransfersFreeTheirSlots() async throws {
        var utp = UTPServiceConfiguration()
        utp.maximumConnectionsPerPeer = 2
        // Far longer than the test: a closed connection that kept its slot while lingering would block the third.
        utp.connection.closedLinger = .seconds(600)
        try await withPair(utp: utp) { a, b, _ in
            let peerA = try #require(UTPPeer(record: a.localRecord))
            for round in 0..<6 {
                let bytes = try await Self.fetch(a, from: b, size: 50_000, seed: UInt64(round))
                #expect(bytes == testBytes(count: 50_000, seed: UInt64(round)))
                let idle = await eventually {
                    a.utp.activeConnectionCount == 0 && b.utp.activeConnectionCount == 0
                }
                #expect(idle)
                #expect(b.utp.canAccept(from: peerA))
            }
        }
    }

    @Test("the peer vanishes mid-transfer: the reader fails, never returns short data")
    func peerVanishesMidTransfer() async throws {
        try await withPair { a, b, _ in
            let answer = try await a.talk(
                protocol: BlobProtocol.id,
                payload: BlobProtocol.request(mode: 2, size: 0, seed: 3),
                to: b.localRecord
            )
            let id = try #require(BlobProtocol.connectionID(answer))
            let stream = try await a.utp.connect(connectionID: id, to: b.localRecord)
            var received = 0
            while received < 64 << 10 { received += try await stream.read(upTo: 1 << 20).count }
            await b.shutdown()
            await #expect(throws: UTPError.self) {
                while true {
                    let chunk = try await stream.read(upTo: 1 << 20)
                    if chunk.isEmpty { break }  // a normal end would be a bug: the test then fails
                }
            }
        }
    }

    @Test("shutdown fails pending expectations and refuses new ones")
    func shutdownFailsExpectations() async throws {
        try await withPair { a, b, _ in
            let peer = try #require(UTPPeer(record: a.localRecord))
            let expectation = try b.utp.expect(from: peer)
            await b.shutdown()
            await #expect { _ = try await expectation.accept() } throws: { isUTPError($0, .closed) }
            #expect { try b.utp.expect(from: peer) } throws: { isUTPError($0, .closed) }
            #expect(!b.utp.canAccept(from: peer))
        }
    }

    @Test("a detached service (handler unit tests) throws closed")
    func detachedService() async throws {
        let peer = UTPPeer(
            nodeID: NodeID(publicKey: Secp256k1.PrivateKey().publicKey),
            endpoint: .init(ip: IPAddress("127.0.0.1")!, port: 1)
        )
        #expect { try UTPService.detached.expect(from: peer) } throws: { isUTPError($0, .closed) }
        #expect(UTPService.detached.activeConnectionCount == 0)
    }
}

/// Whether `error` is a ``UTPError`` with `code`.
func isUTPError(_ error: any Error, _ code: UTPError.Code) -> Bool {
    (error as? UTPError)?.code == code
}
