// SPDX-License-Identifier: Apache-2.0

import Testing

@testable import UTP

@Suite("LEDBAT and RTT")
struct UTPCongestionControlTests {
    @Test func slowStartGrowsFromTwoPackets() {
        var controller = UTPCongestionController(configuration: UTPConfiguration())
        #expect(controller.windowBytes == 2048)
        controller.addDelaySample(1000, now: 0)
        controller.onAck(bytesAcked: 2048)
        #expect(controller.windowBytes == 4096)
        #expect(controller.slowStart)
    }

    @Test func windowShrinksWhenDelayIsAboveTarget() {
        var controller = UTPCongestionController(configuration: UTPConfiguration())
        controller.addDelaySample(1000, now: 0)
        for _ in 0..<10 { controller.onAck(bytesAcked: 4096) }
        let before = controller.windowBytes
        controller.addDelaySample(1000 + 250_000, now: 1)  // 250 ms queuing delay
        controller.onAck(bytesAcked: 1024)
        #expect(!controller.slowStart)
        controller.onAck(bytesAcked: 1024)
        #expect(controller.windowBytes < before)
    }

    @Test func growthBelowTargetIsAtMostGainPerRTT() {
        var controller = UTPCongestionController(configuration: UTPConfiguration())
        controller.addDelaySample(1000, now: 0)
        controller.onLoss(now: 0)  // leave slow start
        let window = controller.windowBytes
        // One window's worth of ACKs = one RTT.
        var acked = 0
        while acked < window {
            controller.onAck(bytesAcked: 512)
            acked += 512
        }
        #expect(controller.windowBytes - window <= 3000)
        #expect(controller.windowBytes > window)
    }

    @Test func lossHalvesAtMostOncePer100Milliseconds() {
        var controller = UTPCongestionController(configuration: UTPConfiguration())
        for _ in 0..<6 { controller.onAck(bytesAcked: 8192) }
        let start = controller.windowBytes
        let cut1_000_000_000 = controller.onLoss(now: 1_000_000_000)
        #expect(cut1_000_000_000)
        #expect(controller.windowBytes == start / 2)
        let cut1_050_000_000 = controller.onLoss(now: 1_050_000_000)
        #expect(!cut1_050_000_000)
        #expect(controller.windowBytes == start / 2)
        let cut1_100_000_000 = controller.onLoss(now: 1_100_000_000)
        #expect(cut1_100_000_000)
        #expect(controller.windowBytes == start / 4)
    }

    @Test func timeoutDropsToOnePacketAndLossFloorIsTwo() {
        var controller = UTPCongestionController(configuration: UTPConfiguration())
        controller.onTimeout()
        #expect(controller.windowBytes == 1024)
        controller.onLoss(now: 0)
        #expect(controller.windowBytes == 2048)
    }

    @Test func delayBaseIsMinimumOverHistory() {
        var history = UTPDelayBaseHistory(bucketCount: 13, bucketLength: 60_000_000_000)
        let d0 = history.add(5000, now: 0)
        #expect(d0 == 0)
        let d1 = history.add(7000, now: 1)
        #expect(d1 == 2000)
        let d60_000_000_001 = history.add(4000, now: 60_000_000_001)
        #expect(d60_000_000_001 == 0)
        // After 13 newer buckets, the old minimum is forgotten.
        for minute in 2...14 { _ = history.add(9000, now: UInt64(minute) * 60_000_000_002) }
        #expect(history.base == 9000)
    }

    @Test func retransmissionTimeoutBounds() {
        var estimator = UTPRoundTripEstimator(initial: 1_000_000_000, minimum: 500_000_000, maximum: 4_000_000_000)
        #expect(estimator.timeout == 1_000_000_000)
        estimator.addSample(10_000_000)
        #expect(estimator.timeout == 500_000_000)
        for _ in 0..<5 { estimator.addSample(3_000_000_000) }
        #expect(estimator.timeout == 4_000_000_000)
        var smooth = UTPRoundTripEstimator(initial: 1_000_000_000, minimum: 0, maximum: 10_000_000_000)
        smooth.addSample(200_000_000)
        #expect(smooth.timeout == 200_000_000 + 4 * 100_000_000)
    }
}
