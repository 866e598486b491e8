// SPDX-License-Identifier: Apache-2.0

import Discv5Core

/// Maps the engine's ``Discv5Instant`` to the `ContinuousClock` and back, from one origin fixed
/// when the node starts (so instants are small and never wrap).
struct NodeClock: Sendable {
    /// The `ContinuousClock` instant that is ``Discv5Instant/zero``.
    let origin: ContinuousClock.Instant

    /// A clock whose origin is now.
    init() {
        self.origin = ContinuousClock.now
    }

    /// The current time as an engine instant.
    func now() -> Discv5Instant {
        instant(ContinuousClock.now)
    }

    /// An engine instant for a `ContinuousClock` instant (clamped at the origin).
    func instant(_ instant: ContinuousClock.Instant) -> Discv5Instant {
        let (seconds, attoseconds) = origin.duration(to: instant).components
        guard seconds >= 0 else { return .zero }
        let (scaled, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return Discv5Instant(nanoseconds: .max) }
        return Discv5Instant(nanoseconds: scaled &+ UInt64(attoseconds / 1_000_000_000))
    }

    /// The `ContinuousClock` instant of an engine instant (capped about a century ahead).
    func continuous(_ instant: Discv5Instant) -> ContinuousClock.Instant {
        let capped = min(instant.nanoseconds, 3_000_000_000 * 1_000_000_000)
        return origin.advanced(by: .nanoseconds(Int64(capped)))
    }
}
