// SPDX-License-Identifier: Apache-2.0

import DatagramTransport

/// Samples a transport's counters over a window and turns the difference into rates.
struct BlastMeasurement {
    var datagrams: UInt64
    var bytes: UInt64
    var seconds: Double

    /// Waits 0.3 s to warm up, then measures for `seconds`, counting received (or, if none, sent) traffic.
    static func measure(
        seconds: Double,
        statistics: @Sendable () -> DatagramTransportStatistics
    ) async -> BlastMeasurement {
        try? await Task.sleep(for: .milliseconds(300))
        let clock = ContinuousClock()
        let before = statistics()
        let start = clock.now
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        let after = statistics()
        let elapsed = start.duration(to: clock.now)
        let (wholeSeconds, attoseconds) = elapsed.components
        let received = after.datagramsReceived - before.datagramsReceived
        return BlastMeasurement(
            datagrams: received > 0 ? received : after.datagramsSent - before.datagramsSent,
            bytes: received > 0 ? after.bytesReceived - before.bytesReceived : after.bytesSent - before.bytesSent,
            seconds: Double(wholeSeconds) + Double(attoseconds) / 1e18
        )
    }

    var summary: String {
        let rate = Double(self.datagrams) / self.seconds
        let mebibytes = Double(self.bytes) / self.seconds / 1_048_576
        return "received \(self.datagrams) datagrams in \(Int(self.seconds * 1000)) ms: "
            + "\(Int(rate)) datagrams/s, \(Int(mebibytes)) MiB/s"
    }
}
