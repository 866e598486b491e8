// SPDX-License-Identifier: Apache-2.0

/// A clock that only moves when told to: the time source of deterministic tests.
///
/// Time is a count of nanoseconds since an arbitrary origin, so the clock can feed any
/// sans-I/O state machine that takes `now` as an integer or wraps it in its own instant type.
public struct ManualClock: Hashable, Sendable {
    /// The current time in nanoseconds since the clock's origin.
    public private(set) var now: UInt64

    /// Creates a clock.
    /// - Parameters:
    ///   - start: The initial time in nanoseconds (default 0).
    public init(start: UInt64 = 0) {
        self.now = start
    }

    /// Moves the clock forward.
    /// - Parameters:
    ///   - nanoseconds: How far to advance; the clock saturates at `UInt64.max`.
    public mutating func advance(by nanoseconds: UInt64) {
        let (sum, overflow) = self.now.addingReportingOverflow(nanoseconds)
        self.now = overflow ? .max : sum
    }

    /// Moves the clock forward by a `Duration` (negative durations are ignored).
    /// - Parameters:
    ///   - duration: How far to advance.
    public mutating func advance(by duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0 else { return }
        let nanos = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        self.advance(by: nanos.overflow ? .max : nanos.partialValue)
        self.advance(by: UInt64(attoseconds / 1_000_000_000))
    }

    /// Moves the clock to `instant` if that is later than now; never moves it backwards.
    /// - Parameters:
    ///   - instant: The target time in nanoseconds.
    public mutating func advance(to instant: UInt64) {
        self.now = max(self.now, instant)
    }
}
