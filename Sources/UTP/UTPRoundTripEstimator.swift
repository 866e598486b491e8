// SPDX-License-Identifier: Apache-2.0

/// Smoothed round-trip time and retransmission timeout, RFC 6298 style as libutp does it:
/// first sample `srtt = r, rttvar = r/2`; later `rttvar += (|srtt − r| − rttvar)/4`,
/// `srtt += (r − srtt)/8`; `RTO = srtt + 4·rttvar`, clamped to the configured bounds.
struct UTPRoundTripEstimator: Hashable, Sendable {
    /// Smoothed RTT in nanoseconds, `nil` before the first sample.
    private(set) var smoothed: UInt64?
    /// RTT variation in nanoseconds.
    private(set) var variation: UInt64 = 0
    let initialTimeout: UInt64
    let minimumTimeout: UInt64
    let maximumTimeout: UInt64

    init(initial: UInt64, minimum: UInt64, maximum: UInt64) {
        self.initialTimeout = initial
        self.minimumTimeout = minimum
        self.maximumTimeout = max(minimum, maximum)
    }

    /// The current retransmission timeout in nanoseconds.
    var timeout: UInt64 {
        guard let smoothed else {
            return min(max(self.initialTimeout, self.minimumTimeout), self.maximumTimeout)
        }
        let raw = smoothed &+ 4 &* self.variation
        return min(max(raw, self.minimumTimeout), self.maximumTimeout)
    }

    mutating func addSample(_ sample: UInt64) {
        guard let smoothed else {
            self.smoothed = sample
            self.variation = sample / 2
            return
        }
        let difference = smoothed > sample ? smoothed - sample : sample - smoothed
        self.variation = UInt64(Int64(self.variation) + (Int64(difference) - Int64(self.variation)) / 4)
        self.smoothed = UInt64(Int64(smoothed) + (Int64(sample) - Int64(smoothed)) / 8)
    }
}
