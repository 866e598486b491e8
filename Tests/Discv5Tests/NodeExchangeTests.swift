// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Testing

@Suite("Two nodes over real UDP on 127.0.0.1")
struct NodeExchangeTests {
    @Test func pingFindNodeAndTalkInBothDirections() async throws {
        try await withNodes(2) { nodes in
            for node in nodes { try node.register(EchoHandler()) }
            for (from, to) in [(nodes[0], nodes[1]), (nodes[1], nodes[0])] {
                let pong = try await from.ping(to.localRecord)
                #expect(pong.enrSeq == to.localRecord.seq)
                #expect(pong.recipientIP == IPAddress("127.0.0.1"))
                #expect(pong.recipientPort == from.localEndpoint.port)
                #expect(pong.rtt > .zero)

                let own = try await from.findNode(to.localRecord, distances: [0])
                #expect(own == [to.localRecord])

                // The other node's bucket, as seen from `to`: `to` learned `from` in the handshake.
                let distance = to.nodeID.logDistance(to: from.nodeID)
                let bucket = try await from.findNode(to.localRecord, distances: [distance])
                #expect(bucket.allSatisfy { $0.nodeID.logDistance(to: to.nodeID) == distance })

                let payload = Array("hello \(from.nodeID)".utf8)
                let answer = try await from.talk(protocol: Array("echo".utf8), payload: payload, to: to.localRecord)
                #expect(answer == payload)
            }
        }
    }

    @Test func talkRouterAnswersEmptyForUnknownThrowingSlowAndOversizeHandlers() async throws {
        var configuration = testConfiguration()
        configuration.talkHandlerDeadline = .milliseconds(200)
        try await withNodes(2, configuration: configuration) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            try server.register(ThrowingHandler())
            try server.register(SlowHandler())
            try server.register(HugeHandler())
            try server.registerInline(protocolID: Array("inline".utf8)) { Array($0.payload.reversed()) }
            let record = server.localRecord

            #expect(try await client.talk(protocol: Array("nope".utf8), payload: [1], to: record) == [])
            #expect(try await client.talk(protocol: Array("fail".utf8), payload: [1], to: record) == [])
            #expect(try await client.talk(protocol: Array("slow".utf8), payload: [1], to: record) == [])
            #expect(try await client.talk(protocol: Array("huge".utf8), payload: [1], to: record) == [])
            #expect(
                try await client.talk(protocol: Array("inline".utf8), payload: [1, 2, 3], to: record) == [3, 2, 1]
            )

            let metrics = await server.metricsSnapshot()
            #expect(metrics.talkRequests == 5)
            #expect(metrics.talkUnknownProtocol == 1)
            #expect(metrics.talkHandlerFailed == 1)
            #expect(metrics.talkDeadlineExceeded == 1)
            #expect(metrics.talkResponseTooLarge == 1)
        }
    }

    @Test func talkOverTheConcurrencyCapIsAnsweredEmptyAtOnce() async throws {
        var configuration = testConfiguration()
        configuration.maximumConcurrentTalkHandlers = 0
        try await withNodes(2, configuration: configuration) { nodes in
            try nodes[1].register(EchoHandler())
            let answer = try await nodes[0].talk(protocol: Array("echo".utf8), payload: [7], to: nodes[1].localRecord)
            #expect(answer == [])
            #expect(await nodes[1].metricsSnapshot().talkOverCapacity == 1)
        }
    }

    @Test func acceptsMaximumTalkRequestSizeAndRejectsOneMore() async throws {
        try await withNodes(2) { nodes in
            try nodes[1].register(EchoHandler())
            let echo = Array("echo".utf8)
            // A session first: a request riding in a handshake packet has less room.
            _ = try await nodes[0].ping(nodes[1].localRecord)
            let largest = [UInt8](repeating: 0x5A, count: Node.maximumTalkRequestSize - echo.count)
            #expect(try await nodes[0].talk(protocol: echo, payload: largest, to: nodes[1].localRecord) == largest)
            await #expect(throws: Discv5Error(.invalidArgument, "")) {
                try await nodes[0].talk(protocol: echo, payload: largest + [0], to: nodes[1].localRecord)
            }
        }
    }

    @Test func registeringTwoHandlersForOneProtocolIsAnError() async throws {
        try await withNodes(1) { nodes in
            try nodes[0].register(EchoHandler())
            #expect(throws: Discv5Error(.alreadyRegistered, "")) { try nodes[0].register(EchoHandler()) }
            #expect(throws: Discv5Error(.alreadyRegistered, "")) {
                try nodes[0].registerInline(protocolID: Array("echo".utf8)) { _ in [] }
            }
            #expect(nodes[0].unregister(protocolID: Array("echo".utf8)))
            try nodes[0].register(EchoHandler())
        }
    }

    @Test func shutdownFailsPendingOperationsWithNodeShutDown() async throws {
        // A long request timeout keeps the ping pending however slowly a loaded machine runs it.
        var patient = testConfiguration()
        patient.engine.protocolConfiguration.requestTimeout = .seconds(120)
        let node = try await Node.start(configuration: patient, privateKey: Secp256k1.PrivateKey())
        // A peer that never answers: a record pointing at a port nobody reads (our own socket
        // answers nothing to itself, so use a closed one from a node we stop).
        let silent = try await Node.start(configuration: testConfiguration(), privateKey: Secp256k1.PrivateKey())
        let record = silent.localRecord
        await silent.shutdown()
        let ping = Task { try await node.ping(record) }
        let started = await eventually { await node.metricsSnapshot().pendingOperations == 1 }
        #expect(started, "the ping never became pending")
        await node.shutdown()
        await #expect(throws: Discv5Error(.nodeShutDown, "")) { try await ping.value }
        await #expect(throws: Discv5Error(.nodeShutDown, "")) { try await node.ping(record) }
        var events = node.events.makeAsyncIterator()
        #expect(await events.next() == nil)
    }

    @Test func unreachableRecordsAndOversizeRequestsAreRefused() async throws {
        try await withNodes(2) { nodes in
            let key = Secp256k1.PrivateKey()
            let noEndpoint = try ENRBuilder(seq: 1).sign(with: key)
            await #expect(throws: Discv5Error(.noEndpoint, "")) { try await nodes[0].ping(noEndpoint) }
            await #expect(throws: Discv5Error(.invalidArgument, "")) {
                try await nodes[0].findNode(nodes[0].localRecord, distances: [257])
            }
            // A TALKREQ too large for one packet fails before anything is sent.
            await #expect(throws: Discv5Error(.invalidArgument, "")) {
                try await nodes[0].talk(
                    protocol: Array("echo".utf8),
                    payload: [UInt8](repeating: 1, count: 1300),
                    to: nodes[1].localRecord
                )
            }
        }
    }

    @Test func eventsReportTheSessionAndNodesAdded() async throws {
        try await withNodes(2) { nodes in
            // The iterator subscribes when made; nodes[1] emits the event before it sends PONG,
            // so once the ping returns the event is buffered and `next()` returns at once.
            var events = nodes[1].events.makeAsyncIterator()
            _ = try await nodes[0].ping(nodes[1].localRecord)
            let first = await events.next()
            #expect(first == .sessionEstablished(nodes[0].nodeID, nodes[0].localEndpoint))
        }
    }
}
