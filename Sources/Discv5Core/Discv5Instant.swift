// SPDX-License-Identifier: Apache-2.0

/// A point in time on the caller's monotonic clock, in nanoseconds since an arbitrary origin.
///
/// The protocol core never reads a clock: every input that depends on time carries a `now`
/// of this type, and every timer comes back as a deadline of this type. The I/O shell maps it
/// to `ContinuousClock` (or any monotonic source); tests drive it by hand, so every rule is
/// reproducible without sleeping.
///
/// Arithmetic saturates: moving before the origin clamps to zero and moving past
/// `UInt64.max` nanoseconds (about 584 years) clamps to the maximum, so hostile or careless
/// durations never trap.
public struct Discv5Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: UInt64

    /// The clock's origin.
    public static let zero = Discv5Instant(nanoseconds: 0)

    /// Creates an instant.
    /// - Parameters:
    ///   - nanoseconds: nanoseconds since the clock's origin.
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The instant `duration` later (earlier when negative), saturating at the clock's bounds.
    /// - Parameters:
    ///   - duration: how far to move.
    /// - Returns: the moved instant.
    public func advanced(by duration: Duration) -> Discv5Instant {
        let delta = Self.nanoseconds(of: duration)
        if delta >= 0 {
            let (sum, overflow) = nanoseconds.addingReportingOverflow(UInt64(delta))
            return Discv5Instant(nanoseconds: overflow ? .max : sum)
        }
        let magnitude = delta.magnitude
        return Discv5Instant(nanoseconds: nanoseconds > magnitude ? nanoseconds - magnitude : 0)
    }

    /// The instant `milliseconds` later (earlier when negative), saturating at the clock's bounds.
    /// - Parameters:
    ///   - milliseconds: how far to move, in milliseconds.
    /// - Returns: the moved instant.
    public func advanced(byMilliseconds milliseconds: Int64) -> Discv5Instant {
        advanced(by: .milliseconds(milliseconds))
    }

    /// The instant `seconds` later (earlier when negative), saturating at the clock's bounds.
    /// - Parameters:
    ///   - seconds: how far to move, in seconds.
    /// - Returns: the moved instant.
    public func advanced(bySeconds seconds: Int64) -> Discv5Instant {
        advanced(by: .seconds(seconds))
    }

    /// The signed time from this instant to `other` (negative when `other` is earlier).
    /// - Parameters:
    ///   - other: the later (or earlier) instant.
    /// - Returns: `other - self` as a duration.
    public func duration(to other: Discv5Instant) -> Duration {
        if other.nanoseconds >= nanoseconds {
            return Self.duration(nanoseconds: other.nanoseconds - nanoseconds)
        }
        return .zero - Self.duration(nanoseconds: nanoseconds - other.nanoseconds)
    }

    /// The instant `rhs` after `lhs`, saturating.
    /// - Parameters:
    ///   - lhs: the starting instant.
    ///   - rhs: the duration to add.
    /// - Returns: the moved instant.
    public static func + (lhs: Discv5Instant, rhs: Duration) -> Discv5Instant {
        lhs.advanced(by: rhs)
    }

    /// The instant `rhs` before `lhs`, saturating.
    /// - Parameters:
    ///   - lhs: the starting instant.
    ///   - rhs: the duration to subtract.
    /// - Returns: the moved instant.
    public static func - (lhs: Discv5Instant, rhs: Duration) -> Discv5Instant {
        lhs.advanced(by: .zero - rhs)
    }

    /// Orders instants by time.
    /// - Parameters:
    ///   - lhs: one instant.
    ///   - rhs: another instant.
    /// - Returns: whether `lhs` is earlier.
    public static func < (lhs: Discv5Instant, rhs: Discv5Instant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant as nanoseconds since the origin, for logs.
    public var description: String { "\(nanoseconds)ns" }

    /// A duration's length in whole nanoseconds, saturating at `Int64`'s bounds.
    static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowOnAdd) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowOnAdd { return seconds < 0 ? .min : .max }
        return total
    }

    private static func duration(nanoseconds: UInt64) -> Duration {
        .seconds(Int64(nanoseconds / 1_000_000_000)) + .nanoseconds(Int64(nanoseconds % 1_000_000_000))
    }
}
