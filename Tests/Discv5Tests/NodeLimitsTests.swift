// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5
import Discv5Core
import Synchronization
import Testing
import UTP

/// Node-level limits pushed past their bounds by a real peer over loopback.
@Suite("Node limits")
struct NodeLimitsTests {
    /// Echoes after the gate opens, and records how many run at once.
    final class GatedEcho: TalkProtocolHandler, Sendable {
        let open = Atomic<Bool>(false)
        let running = Atomic<Int>(0)
        let peak = Atomic<Int>(0)

        var protocolID: [UInt8] { Array("gate".utf8) }

        func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
            let now = running.add(1, ordering: .relaxed).newValue
            peak.max(now, ordering: .relaxed)
            defer { running.subtract(1, ordering: .relaxed) }
            // Bounded: the node's deadline cancels a handler that waits too long.
            while !open.load(ordering: .acquiring) {
                try await Task.sleep(for: .milliseconds(5))
            }
            return request.payload
        }
    }

    @Test func talkHandlersInFlightAreCappedAndTheRestAnsweredEmptyAtOnce() async throws {
        var configuration = testConfiguration()
        configuration.maximumConcurrentTalkHandlers = 4
        configuration.talkHandlerDeadline = .seconds(20)
        let handler = GatedEcho()
        try await withNodes(2, configuration: configuration) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            try server.register(handler)
            _ = try await client.ping(server.localRecord)
            let record = server.localRecord
            let answers = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await client.talk(protocol: Array("gate".utf8), payload: [UInt8(index + 1)], to: record)
                    }
                }
                // The six over the cap are answered empty while the four hold their slots.
                let refused = await eventually { await server.metricsSnapshot().talkOverCapacity == 6 }
                #expect(refused)
                #expect(await server.metricsSnapshot().talkHandlersRunning == 4)
                handler.open.store(true, ordering: .releasing)
                var answers: [[UInt8]] = []
                for try await answer in group { answers.append(answer) }
                return answers
            }
            #expect(answers.filter(\.isEmpty).count == 6)
            #expect(answers.filter { !$0.isEmpty }.count == 4)
            #expect(handler.peak.load(ordering: .relaxed) == 4)
            #expect(await server.metricsSnapshot().talkHandlersRunning == 0)
        }
    }

    @Test func talkRequestsForEveryProtocolIDAreAnsweredEmptyWithoutState() async throws {
        try await withNodes(2) { nodes in
            let (client, server) = (nodes[0], nodes[1])
            try server.register(EchoHandler())
            _ = try await client.ping(server.localRecord)
            let record = server.localRecord
            let before = await server.metricsSnapshot()
            // 1024 protocol ids of 1 to 55 bytes, none registered, 16 at a time.
            let ids: [[UInt8]] = (0..<1024).map { index in
                (0..<(1 + index % 55)).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0 &* 7) | 0x80 }
            }
            var empty = 0
            for batch in stride(from: 0, to: ids.count, by: 16) {
                empty += try await withThrowingTaskGroup(of: Int.self) { group in
                    for id in ids[batch..<batch + 16] {
                        group.addTask { try await client.talk(protocol: id, payload: [1], to: record).isEmpty ? 1 : 0 }
                    }
                    return try await group.reduce(0, +)
                }
            }
            #expect(empty == 1024)
            let after = await server.metricsSnapshot()
            #expect(after.talkUnknownProtocol - before.talkUnknownProtocol == 1024)
            #expect(after.talkHandlersRunning == 0)
            #expect(after.sessionCount == before.sessionCount)
            #expect(after.pendingRequestCount == 0)
            // The registered protocol still works.
            #expect(try await client.talk(protocol: Array("echo".utf8), payload: [9], to: record) == [9])
        }
    }

    @Test func utpSYNFloodOverTalkRequestIsRefusedWithoutState() async throws {
        try await withNodes(2) { nodes in
            let (attacker, target) = (nodes[0], nodes[1])
            _ = try await attacker.ping(target.localRecord)
            let before = await target.metricsSnapshot()
            var random = SystemRandomNumberGenerator()
            let count = 2000
            for index in 0..<count {
                var syn: [UInt8] = []
                UTPPacket(
                    type: .syn,
                    connectionID: UInt16.random(in: 0...UInt16.max, using: &random),
                    windowSize: 1 << 20,
                    sequenceNumber: UInt16(truncatingIfNeeded: index),
                    ackNumber: 0
                ).encode(into: &syn)
                try attacker.sendTalkWithoutResponse(protocol: Array("utp".utf8), payload: syn, to: target.localRecord)
                // A breath every 100 so the flood measures the node, not the socket buffer.
                if index % 100 == 99 { _ = try await attacker.ping(target.localRecord) }
            }
            let refused = await eventually {
                await target.metricsSnapshot().utpPacketsRefused - before.utpPacketsRefused == UInt64(count)
            }
            let after = await target.metricsSnapshot()
            #expect(refused, "refused \(after.utpPacketsRefused - before.utpPacketsRefused) of \(count)")
            #expect(after.utpConnections == 0)
            // The RESETs go out as no-response TALKREQs under the session: none is tracked as a request.
            #expect(after.pendingRequestCount <= 1)
            #expect(after.protocolMetrics.untrackedRequests - before.protocolMetrics.untrackedRequests >= UInt64(count))
            // Within the session, so only to the authenticated endpoint: per SYN one empty
            // TALKRESP and at most one RESET; bytes sent stay within twice the bytes received.
            let received = after.transport.bytesReceived - before.transport.bytesReceived
            let sent = after.transport.bytesSent - before.transport.bytesSent
            let datagramsSent = after.transport.datagramsSent - before.transport.datagramsSent
            #expect(datagramsSent <= 2 * UInt64(count) + 2 * UInt64(count / 100))
            #expect(sent <= 2 * received)
        }
    }
}
