// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import Testing

@testable import UTP

@Suite("Idle connection storage")
struct UTPIdleStorageTests {
    @Test func freshConnectionHoldsNoBuffer() {
        let connection = UTPConnection(
            initiatorReceiveID: 7,
            sendID: 8,
            initialSequenceNumber: 1,
            configuration: UTPConfiguration(),
            now: UTPInstant(nanoseconds: 0)
        )
        #expect(connection.bufferCapacity == 0)
    }

    @Test func connectionGivesItsBuffersBackOnceIdle() {
        var harness = ConnectionHarness(seed: 21, network: .init(baseDelay: 10_000_000))
        let bytes = testBytes(count: 512 << 10, seed: 21)
        harness.sources = [.initiator: bytes, .listener: []]
        // Both stay open: the transfer is done but nobody finishes, like a pooled connection.
        harness.holdFinish = [.initiator, .listener]
        harness.run(seconds: 60) { $0.received[.listener]!.count == bytes.count && $0.initiator.inFlight.isEmpty }
        #expect(harness.received[.listener]! == bytes)
        // While the data flowed both sides needed window-sized buffers.
        #expect(harness.initiator.bufferCapacity > 0 || harness.listener!.bufferCapacity > 0)
        let idleUntil = harness.clock.now + 5_000_000_000
        harness.run(seconds: 10) { $0.clock.now >= idleUntil }
        #expect(!harness.initiator.isClosed)
        #expect(harness.listener?.isClosed == false)
        // A keep-alive interval later neither holds a send or receive buffer.
        #expect(harness.initiator.bufferCapacity == 0)
        #expect(harness.listener?.bufferCapacity == 0)
    }

    @Test func closedConnectionHoldsNoBuffer() {
        var harness = ConnectionHarness(seed: 22, network: .init(baseDelay: 10_000_000))
        let bytes = testBytes(count: 256 << 10, seed: 22)
        harness.sources = [.initiator: bytes, .listener: []]
        harness.run(seconds: 60) { $0.bothClosed }
        #expect(harness.received[.listener]! == bytes)
        #expect(harness.initiator.bufferCapacity == 0)
        #expect(harness.listener?.bufferCapacity == 0)
    }
}
