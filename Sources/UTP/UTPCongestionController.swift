// SPDX-License-Identifier: Apache-2.0

/// LEDBAT congestion control as BEP 29 and libutp apply it.
///
/// - Slow start from ``UTPConfiguration/initialWindowPackets``: the window grows by the bytes
///   acknowledged (doubling per RTT) until the queuing delay reaches 90 % of the target or a loss.
/// - Then `window += gain × (target − delay)/target × min(acked, window)/max(window, acked)`, so it
///   grows by at most `gain` bytes per RTT below the target and shrinks above it.
/// - Loss halves the window, at most once per ``UTPConfiguration/lossDecreaseInterval``.
/// - A retransmission timeout drops the window to one packet and restarts slow start.
/// - The window never falls below ``UTPConfiguration/minimumWindowPackets`` except after a timeout.
struct UTPCongestionController: Hashable, Sendable {
    let packetSize: Int
    let targetDelayMicroseconds: Double
    let gain: Double
    let minimumWindow: Double
    let maximumWindow: Double
    let decreaseInterval: UInt64

    private(set) var window: Double
    private(set) var slowStart = true
    private var slowStartThreshold = Double.infinity
    private var lastDecrease: UInt64?
    private var history: UTPDelayBaseHistory
    /// The latest queuing delay estimate in microseconds, `nil` before any sample.
    private(set) var queuingDelayMicroseconds: UInt32?

    init(configuration: UTPConfiguration) {
        self.packetSize = max(1, configuration.maxPayloadSize)
        self.targetDelayMicroseconds = max(1, Double(configuration.targetDelay.utpNanoseconds / 1000))
        self.gain = Double(configuration.maxWindowIncreaseBytesPerRTT)
        self.minimumWindow = Double(max(1, configuration.minimumWindowPackets) * self.packetSize)
        self.maximumWindow = max(self.minimumWindow, Double(configuration.maximumWindow))
        self.decreaseInterval = configuration.lossDecreaseInterval.utpNanoseconds
        self.window = Double(max(1, configuration.initialWindowPackets) * self.packetSize)
        self.history = UTPDelayBaseHistory(
            bucketCount: configuration.delayBaseHistoryLength,
            bucketLength: configuration.delayBaseInterval.utpNanoseconds
        )
    }

    /// The congestion window in bytes.
    var windowBytes: Int { Int(self.window) }

    /// Records a `timestamp_difference_microseconds` the peer reported (0 means "no sample").
    mutating func addDelaySample(_ sample: UInt32, now: UInt64) {
        guard sample != 0 else { return }
        let delay = self.history.add(sample, now: now)
        // A value past 2^31 means the base moved backwards (clock skew); treat as no queuing.
        self.queuingDelayMicroseconds = delay > UInt32(Int32.max) ? 0 : delay
    }

    /// Grows or shrinks the window for `bytesAcked` newly acknowledged bytes.
    mutating func onAck(bytesAcked: Int) {
        guard bytesAcked > 0 else { return }
        let delay = Double(self.queuingDelayMicroseconds ?? 0)
        let acked = Double(bytesAcked)
        if self.slowStart {
            if delay > self.targetDelayMicroseconds * 0.9 {
                self.slowStart = false
                self.slowStartThreshold = self.window
            } else {
                self.window = min(self.window + acked, self.maximumWindow)
                if self.window >= self.slowStartThreshold { self.slowStart = false }
                return
            }
        }
        let offTarget = max(-1, min(1, (self.targetDelayMicroseconds - delay) / self.targetDelayMicroseconds))
        let windowFactor = min(acked, self.window) / max(self.window, acked)
        self.window += self.gain * offTarget * windowFactor
        self.window = min(max(self.window, self.minimumWindow), self.maximumWindow)
    }

    /// Halves the window for a loss unless it was already cut within the decrease interval.
    /// - Returns: Whether the window was cut.
    @discardableResult
    mutating func onLoss(now: UInt64) -> Bool {
        if let lastDecrease, now &- lastDecrease < self.decreaseInterval {
            return false
        }
        self.lastDecrease = now
        self.window = max(self.window / 2, self.minimumWindow)
        self.slowStartThreshold = self.window
        self.slowStart = false
        return true
    }

    /// A retransmission timeout: one packet, slow start again up to half the old window.
    mutating func onTimeout() {
        self.slowStartThreshold = max(self.window / 2, self.minimumWindow)
        self.window = Double(self.packetSize)
        self.slowStart = true
    }
}
