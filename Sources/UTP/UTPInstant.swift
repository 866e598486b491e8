// SPDX-License-Identifier: Apache-2.0

/// A point in time supplied by the caller: the uTP core never reads a clock.
///
/// Any monotonic clock works (e.g. `ContinuousClock` or a test's manual clock) as long as every
/// call on a connection or multiplexer uses the same one. Header timestamps are derived from it
/// as wrapping 32-bit microsecond counts (BEP 29 `timestamp_microseconds`).
public struct UTPInstant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's arbitrary origin.
    public var nanoseconds: UInt64

    /// Creates an instant.
    /// - Parameters:
    ///   - nanoseconds: Nanoseconds since the clock's origin.
    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin.
    public static let zero = UTPInstant(nanoseconds: 0)

    /// The BEP 29 header timestamp for this instant: microseconds, truncated to 32 bits.
    public var microsecondTimestamp: UInt32 {
        UInt32(truncatingIfNeeded: self.nanoseconds / 1000)
    }

    /// Compares two instants.
    /// - Parameters:
    ///   - lhs: An instant.
    ///   - rhs: Another instant.
    public static func < (lhs: UTPInstant, rhs: UTPInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `rhs` after `lhs`, saturating.
    /// - Parameters:
    ///   - lhs: An instant.
    ///   - rhs: A non-negative duration (negative durations count as zero).
    public static func + (lhs: UTPInstant, rhs: Duration) -> UTPInstant {
        lhs.adding(nanoseconds: rhs.utpNanoseconds)
    }

    /// The time elapsed from `earlier` to `self`, or zero when `earlier` is later.
    /// - Parameters:
    ///   - earlier: The start.
    public func duration(since earlier: UTPInstant) -> Duration {
        .nanoseconds(Int64(clamping: self.nanoseconds &- min(earlier.nanoseconds, self.nanoseconds)))
    }

    /// A readable form.
    public var description: String { "\(self.nanoseconds)ns" }

    func adding(nanoseconds: UInt64) -> UTPInstant {
        let (sum, overflow) = self.nanoseconds.addingReportingOverflow(nanoseconds)
        return UTPInstant(nanoseconds: overflow ? .max : sum)
    }
}

extension Duration {
    /// This duration in whole nanoseconds, clamped to `0 ... UInt64.max`.
    var utpNanoseconds: UInt64 {
        let (seconds, attoseconds) = self.components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (sum, overflow2) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return overflow2 ? .max : sum
    }
}
