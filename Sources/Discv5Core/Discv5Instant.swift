// SPDX-License-Identifier: Apache-2.0

/// A point on the shell's monotonic clock, in nanoseconds since an arbitrary origin.
///
/// Sans-I/O machines never read a clock: every input carries `now` as a `Discv5Instant`, and
/// every timer is returned as one. Tests drive them with a manual clock.
public struct Discv5Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64

    /// Creates an instant.
    ///
    /// - Parameters:
    ///   - nanoseconds: Nanoseconds since the clock's origin.
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The clock's origin.
    public static let zero = Discv5Instant(nanoseconds: 0)

    /// The instant `duration` later, saturating at the end of the clock (never traps).
    ///
    /// - Parameters:
    ///   - duration: A non-negative duration; negative durations count as zero.
    /// - Returns: `self + duration`.
    public func advanced(by duration: Duration) -> Discv5Instant {
        let delta = Self.nanoseconds(of: duration)
        let (sum, overflow) = nanoseconds.addingReportingOverflow(delta)
        return Discv5Instant(nanoseconds: overflow ? .max : sum)
    }

    /// The time from `self` to `other`, or zero when `other` is earlier.
    ///
    /// - Parameters:
    ///   - other: A later instant.
    /// - Returns: `other - self` clamped at zero.
    public func duration(to other: Discv5Instant) -> Duration {
        guard other.nanoseconds > nanoseconds else { return .zero }
        return .nanoseconds(Int64(clamping: other.nanoseconds - nanoseconds))
    }

    /// `lhs` advanced by `rhs`; see ``advanced(by:)``.
    ///
    /// - Parameters:
    ///   - lhs: The instant.
    ///   - rhs: The duration to add.
    public static func + (lhs: Discv5Instant, rhs: Duration) -> Discv5Instant {
        lhs.advanced(by: rhs)
    }

    /// Orders instants by time.
    ///
    /// - Parameters:
    ///   - lhs: One instant.
    ///   - rhs: The other instant.
    public static func < (lhs: Discv5Instant, rhs: Discv5Instant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// `"<n>ns"`.
    public var description: String { "\(nanoseconds)ns" }

    /// A non-negative duration in whole nanoseconds, saturating.
    static func nanoseconds(of duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(max(0, attoseconds) / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
