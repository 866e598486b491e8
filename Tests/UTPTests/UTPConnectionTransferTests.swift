// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import Testing
import UTP

struct LossCase: Sendable, CustomTestStringConvertible {
    var loss: Double
    var bytes: Int
    var seed: UInt64
    var testDescription: String { "\(Int(self.loss * 100))% loss, \(self.bytes / 1024) KiB" }
}

@Suite("uTP connection transfers over a simulated network")
struct UTPConnectionTransferTests {
    /// Runs both sides to completion and checks exactly-once, in-order delivery and graceful close.
    private func expectCompleteTransfer(
        _ harness: inout ConnectionHarness,
        initiatorBytes: [UInt8],
        listenerBytes: [UInt8] = [],
        seconds: UInt64 = 600,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        harness.sources = [.initiator: initiatorBytes, .listener: listenerBytes]
        harness.run(seconds: seconds) { $0.bothClosed }
        let forward = harness.received[.listener]!
        #expect(forward.count == initiatorBytes.count, "initiator → listener count", sourceLocation: sourceLocation)
        #expect(forward == initiatorBytes, "initiator → listener bytes", sourceLocation: sourceLocation)
        let backward = harness.received[.initiator]!
        #expect(backward.count == listenerBytes.count, "listener → initiator count", sourceLocation: sourceLocation)
        #expect(backward == listenerBytes, "listener → initiator bytes", sourceLocation: sourceLocation)
        #expect(harness.closeReason(.initiator) == .finished, sourceLocation: sourceLocation)
        #expect(harness.closeReason(.listener) == .finished, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        LossCase(loss: 0, bytes: 2 << 20, seed: 1),
        LossCase(loss: 0.01, bytes: 512 << 10, seed: 2),
        LossCase(loss: 0.05, bytes: 256 << 10, seed: 3),
        LossCase(loss: 0.10, bytes: 256 << 10, seed: 4),
        LossCase(loss: 0.20, bytes: 128 << 10, seed: 5),
    ])
    func transferSurvivesRandomLoss(_ lossCase: LossCase) {
        var harness = ConnectionHarness(
            seed: lossCase.seed,
            network: .init(lossRate: lossCase.loss, baseDelay: 20_000_000)
        )
        let source = testBytes(count: lossCase.bytes, seed: lossCase.seed)
        expectCompleteTransfer(&harness, initiatorBytes: source)
        if lossCase.loss == 0 {
            #expect(harness.initiator.statistics.retransmissions == 0)
        } else {
            #expect(harness.initiator.statistics.retransmissions > 0)
        }
    }

    @Test func transferSurvivesReorderingDuplicationAndJitter() {
        var harness = ConnectionHarness(
            seed: 11,
            network: .init(
                lossRate: 0.02,
                baseDelay: 30_000_000,
                jitter: 15_000_000,
                reorderProbability: 0.1,
                reorderDelay: 25_000_000,
                duplicationProbability: 0.05
            )
        )
        let source = testBytes(count: 300_000, seed: 11)
        expectCompleteTransfer(&harness, initiatorBytes: source, listenerBytes: testBytes(count: 70_000, seed: 12))
        #expect(harness.listener!.statistics.duplicatePacketsReceived > 0)
    }

    @Test func transferWithTinyReceiveWindowRespectsIt() {
        var listenerConfiguration = UTPConfiguration()
        listenerConfiguration.receiveWindow = 3000
        var harness = ConnectionHarness(seed: 21, listenerConfiguration: listenerConfiguration)
        let source = testBytes(count: 100_000, seed: 21)
        expectCompleteTransfer(&harness, initiatorBytes: source)
        // No DATA was ever dropped for lack of room, so nothing needed retransmitting.
        #expect(harness.initiator.statistics.retransmissions == 0)
    }

    @Test func sequenceNumbersWrapPast65535InBothDirections() {
        var harness = ConnectionHarness(
            seed: 31,
            network: .init(lossRate: 0.02, baseDelay: 10_000_000),
            initiatorSequence: 65_500,
            listenerSequence: 65_530
        )
        // > 100 packets each way, so both sequence spaces cross 0.
        expectCompleteTransfer(
            &harness,
            initiatorBytes: testBytes(count: 200 * 1024, seed: 31),
            listenerBytes: testBytes(count: 150 * 1024 + 7, seed: 32)
        )
    }

    @Test func connectionIDWrapsAtFFFF() {
        var harness = ConnectionHarness(seed: 33, connectionID: 0xFFFF)
        expectCompleteTransfer(&harness, initiatorBytes: testBytes(count: 5000, seed: 33))
        #expect(harness.initiator.sendID == 0)
        #expect(harness.listener?.receiveID == 0)
        #expect(harness.listener?.sendID == 0xFFFF)
    }

    @Test func lostSYNIsRetransmitted() {
        var harness = ConnectionHarness(seed: 41)
        var dropped = false
        harness.dropFilter = { side, packet, _ in
            if side == .initiator, packet.type == .syn, !dropped {
                dropped = true
                return true
            }
            return false
        }
        expectCompleteTransfer(&harness, initiatorBytes: testBytes(count: 20_000, seed: 41))
        #expect(harness.sent[.initiator]!.filter { $0[0] >> 4 == UTPPacketType.syn.rawValue }.count == 2)
    }

    @Test func lostSYNACKIsResentIdentically() throws {
        var harness = ConnectionHarness(seed: 42)
        var dropped = false
        harness.dropFilter = { side, packet, _ in
            if side == .listener, packet.type == .state, !dropped {
                dropped = true
                return true
            }
            return false
        }
        expectCompleteTransfer(
            &harness,
            initiatorBytes: testBytes(count: 20_000, seed: 42),
            listenerBytes: testBytes(count: 9000, seed: 43)
        )
        let listenerSent = harness.sent[.listener]!
        let synAcks = listenerSent.filter { bytes in
            guard let packet = try? UTPPacket(decoding: bytes) else { return false }
            return packet.type == .state && packet.ackNumber == 1000
        }
        #expect(synAcks.count >= 2)
        #expect(Set(synAcks).count == 1, "the resent SYN-ACK must be byte-identical")
    }

    @Test func lostFINIsRetransmitted() {
        var harness = ConnectionHarness(seed: 43)
        var dropped = false
        harness.dropFilter = { side, packet, _ in
            if side == .initiator, packet.type == .fin, !dropped {
                dropped = true
                return true
            }
            return false
        }
        expectCompleteTransfer(&harness, initiatorBytes: testBytes(count: 10_000, seed: 44))
        #expect(dropped)
    }

    @Test func lostLastDataPacketIsRetransmitted() {
        var harness = ConnectionHarness(seed: 45)
        var dropped = false
        let size = 10 * 1024 + 100
        harness.dropFilter = { side, packet, _ in
            if side == .initiator, packet.type == .data, packet.payload.count == 100, !dropped {
                dropped = true
                return true
            }
            return false
        }
        expectCompleteTransfer(&harness, initiatorBytes: testBytes(count: size, seed: 45))
        #expect(dropped)
        #expect(harness.initiator.statistics.retransmissions >= 1)
    }

    @Test func halfCloseLetsListenerWriteAfterPeersFIN() {
        var harness = ConnectionHarness(seed: 51, network: .init(lossRate: 0.03))
        harness.finishEagerly[.listener] = false
        harness.holdFinish = [.listener]
        let request = testBytes(count: 3000, seed: 51)
        let response = testBytes(count: 120_000, seed: 52)
        harness.sources = [.initiator: request, .listener: []]
        // Listener answers only after it has seen the initiator's FIN.
        harness.run { $0.listener?.isPeerFinished ?? false }
        #expect(harness.received[.listener]!.elementsEqual(request))
        #expect(harness.listener?.state == .peerFinished)
        harness.sources[.listener] = response
        harness.holdFinish = []
        harness.run { $0.bothClosed }
        #expect(harness.received[.initiator]!.elementsEqual(response))
        #expect(harness.closeReason(.initiator) == .finished)
        #expect(harness.closeReason(.listener) == .finished)
        #expect(harness.events[.listener]!.contains(.peerFinished))
        #expect(harness.events[.initiator]!.contains(.peerFinished))
    }

    @Test func resetAbortsBothSides() {
        var harness = ConnectionHarness(seed: 61)
        harness.finishEagerly[.listener] = false
        harness.sources = [.initiator: testBytes(count: 500_000, seed: 61)]
        harness.run { $0.received[.listener]!.count > 50_000 }
        harness.initiator.reset(now: harness.now)
        harness.run { $0.bothClosed }
        #expect(harness.closeReason(.initiator) == .aborted)
        #expect(harness.closeReason(.listener) == .resetByPeer)
        #expect(
            harness.received[.listener]!.elementsEqual(
                harness.sources[.initiator]!.prefix(harness.received[.listener]!.count)
            )
        )
    }

    @Test func quietConnectionStaysOpenThroughKeepAlives() {
        var harness = ConnectionHarness(seed: 71)
        harness.finishEagerly = [.initiator: false, .listener: false]
        harness.run(seconds: 60) { _ in false }
        #expect(harness.initiator.state == .connected)
        #expect(harness.listener?.state == .connected)
    }

    @Test func idleTimeoutWhenPeerVanishes() {
        var harness = ConnectionHarness(seed: 72)
        harness.finishEagerly = [.initiator: false, .listener: false]
        harness.run(seconds: 5) { _ in false }
        let vanishedAt = harness.clock.now
        harness.listenerVanished = true
        harness.network.dropAll()
        harness.run(seconds: 60) { $0.initiator.isClosed }
        #expect(harness.closeReason(.initiator) == .timedOut)
        // Idle timeout is 10 s; the keep-alive timers do not extend it.
        #expect(harness.clock.now - vanishedAt <= 11_000_000_000)
    }

    @Test func peerVanishingMidTransferFailsTheSender() {
        var harness = ConnectionHarness(seed: 73)
        harness.sources = [.initiator: testBytes(count: 400_000, seed: 73)]
        harness.run { $0.received[.listener]!.count > 20_000 }
        harness.listenerVanished = true
        harness.network.dropAll()
        harness.run(seconds: 60) { $0.initiator.isClosed }
        #expect(harness.closeReason(.initiator) == .timedOut)
        #expect(harness.initiator.statistics.timeouts >= 1)
    }

    @Test func unansweredSYNGivesUpAfterFiveTransmissions() {
        var harness = ConnectionHarness(seed: 74)
        harness.listenerVanished = true
        harness.run(seconds: 60) { $0.initiator.isClosed }
        #expect(harness.closeReason(.initiator) == .timedOut)
        #expect(harness.sent[.initiator]!.count == 5)
    }

    @Test func everyPacketFitsTheConfiguredPayloadPlusHeaders() {
        var configuration = UTPConfiguration()
        configuration.maxPayloadSize = 1400
        var harness = ConnectionHarness(
            seed: 75,
            network: .init(lossRate: 0.05, reorderProbability: 0.1, mtu: 1400 + 26),
            configuration: configuration
        )
        expectCompleteTransfer(&harness, initiatorBytes: testBytes(count: 150_000, seed: 75))
        #expect(harness.network.statistics.oversized == 0)
    }
}
