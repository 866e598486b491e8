// SPDX-License-Identifier: Apache-2.0

import ENR

/// A per-source-IP token bucket for WHOAREYOU packets, with bounded memory.
///
/// Anyone can make us send a WHOAREYOU by sending garbage from a spoofed address; the packet
/// is small (63 bytes) so it does not amplify, but the budget per IP keeps us from being used
/// as a reflector at a high rate. Tracks at most `trackedIPs` addresses; a full bucket carries
/// no information, so entries are forgotten once refilled, and when the table is still full an
/// untracked IP is refused (failing closed keeps memory bounded under a flood of sources).
struct WhoAreYouRateLimiter {
    private struct Bucket {
        /// Tokens scaled by `scale` so refills stay in integers.
        var tokens: UInt64
        var updated: Discv5Instant
    }

    private static let scale: UInt64 = 1_000_000_000
    private let burst: UInt64
    private let perSecond: UInt64
    private let trackedIPs: Int
    private var buckets: [IPAddress: Bucket] = [:]

    /// Creates a limiter.
    ///
    /// - Parameters:
    ///   - burst: Tokens a fresh IP has (at least 1).
    ///   - perSecond: Tokens regained per second.
    ///   - trackedIPs: The most IPs remembered (at least 1).
    init(burst: Int, perSecond: Int, trackedIPs: Int) {
        self.burst = UInt64(max(1, burst))
        self.perSecond = UInt64(max(0, perSecond))
        self.trackedIPs = max(1, trackedIPs)
    }

    /// Takes one token for `ip`.
    ///
    /// - Parameters:
    ///   - ip: The source address.
    ///   - now: The current time.
    /// - Returns: `true` when a WHOAREYOU may be sent.
    mutating func allow(_ ip: IPAddress, now: Discv5Instant) -> Bool {
        let full = burst * Self.scale
        var bucket: Bucket
        if let existing = buckets[ip] {
            bucket = existing
            let elapsed = now.nanoseconds &- min(now.nanoseconds, bucket.updated.nanoseconds)
            let (gain, overflow) = elapsed.multipliedReportingOverflow(by: perSecond)
            bucket.tokens = overflow ? full : min(full, bucket.tokens &+ min(gain, full))
            bucket.updated = now
        } else {
            if buckets.count >= trackedIPs {
                forgetFullBuckets(now: now)
                guard buckets.count < trackedIPs else { return false }
            }
            bucket = Bucket(tokens: full, updated: now)
        }
        guard bucket.tokens >= Self.scale else {
            buckets[ip] = bucket
            return false
        }
        bucket.tokens -= Self.scale
        buckets[ip] = bucket
        return true
    }

    /// The number of IPs tracked.
    var trackedCount: Int { buckets.count }

    private mutating func forgetFullBuckets(now: Discv5Instant) {
        let full = burst * Self.scale
        let perSecond = perSecond
        buckets = buckets.filter { _, bucket in
            let elapsed = now.nanoseconds &- min(now.nanoseconds, bucket.updated.nanoseconds)
            let (gain, overflow) = elapsed.multipliedReportingOverflow(by: perSecond)
            return !overflow && bucket.tokens &+ min(gain, full) < full
        }
    }
}
