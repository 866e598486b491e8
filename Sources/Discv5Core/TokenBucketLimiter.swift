// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// A per-key token bucket (e.g. per source IP, to bound the WHOAREYOU packets we send or the
/// handshakes we attempt), as a pure value with injected time.
///
/// Each key has a bucket of ``Configuration-swift.struct/burst`` tokens that refills one token
/// every ``Configuration-swift.struct/refillInterval``; an event is allowed when a token is
/// available and consumes it. It is kept in the equivalent "theoretical arrival time" form
/// (GCRA), one instant per key, so the arithmetic is exact integer nanoseconds.
///
/// Memory is bounded: at most ``Configuration-swift.struct/maximumTrackedKeys`` keys are
/// tracked; a new key beyond that evicts the least recently used one. An evicted key starts
/// again with a full bucket, which is the price of the bound: a flood of distinct keys can
/// reset an old key's bucket, but each key stays limited while it is tracked.
public struct TokenBucketLimiter<Key: Hashable & Sendable>: Sendable {
    /// The bucket parameters.
    public struct Configuration: Sendable, Equatable {
        /// Tokens a fresh (or idle) key may spend at once.
        public var burst: Int
        /// Time to earn one token back.
        public var refillInterval: Duration
        /// Keys tracked at most.
        public var maximumTrackedKeys: Int

        /// Creates the parameters.
        /// - Parameters:
        ///   - burst: tokens a fresh key may spend at once.
        ///   - refillInterval: time to earn one token back.
        ///   - maximumTrackedKeys: keys tracked at most.
        public init(burst: Int, refillInterval: Duration, maximumTrackedKeys: Int) {
            self.burst = burst
            self.refillInterval = refillInterval
            self.maximumTrackedKeys = maximumTrackedKeys
        }

        /// The project's default for WHOAREYOU sends per source IP: a burst of 20, then 10 per
        /// second, tracking at most 10 000 addresses. A legitimate peer needs one WHOAREYOU per
        /// handshake; this leaves room for many nodes behind one NAT while bounding what a
        /// spoofed flood can make us send to one victim address.
        public static var whoAreYouPerIP: Configuration {
            Configuration(burst: 20, refillInterval: .milliseconds(100), maximumTrackedKeys: 10_000)
        }
    }

    private struct State: Sendable {
        /// When the bucket would be full again if nothing more were spent.
        var theoreticalArrival: UInt64
        /// Use counter, for least-recently-used eviction.
        var lastUse: UInt64
    }

    /// The parameters in force.
    public let configuration: Configuration

    private var states: [Key: State] = [:]
    /// Keys in order of use, oldest first; stale pairs (a newer use exists) are skipped lazily.
    private var useOrder: Deque<(key: Key, use: UInt64)> = []
    private var useCounter: UInt64 = 0

    /// Creates a limiter with no keys tracked.
    /// - Parameters:
    ///   - configuration: the bucket parameters.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The number of keys currently tracked (never above the configured maximum).
    public var trackedKeyCount: Int { states.count }

    /// Whether a key has a bucket now.
    /// - Parameters:
    ///   - key: the key.
    /// - Returns: `true` while the key is tracked.
    public func isTracking(_ key: Key) -> Bool {
        states[key] != nil
    }

    /// Asks for one token.
    /// - Parameters:
    ///   - key: whose bucket to draw from (e.g. the source IP).
    ///   - now: the current time.
    /// - Returns: `true` when the event may go ahead (a token was spent).
    public mutating func allow(_ key: Key, now: Discv5Instant) -> Bool {
        guard configuration.burst > 0, configuration.maximumTrackedKeys > 0 else { return false }
        let interval = UInt64(max(Discv5Instant.nanoseconds(of: configuration.refillInterval), 0))
        let (window, overflow) = interval.multipliedReportingOverflow(by: UInt64(configuration.burst))
        let tolerance = overflow ? UInt64.max : window

        if states[key] == nil {
            makeRoomForNewKey()
        }
        useCounter += 1
        let previous = states[key]?.theoreticalArrival ?? now.nanoseconds
        let start = max(previous, now.nanoseconds)
        let (next, nextOverflow) = start.addingReportingOverflow(interval)
        let allowed = !nextOverflow && next - now.nanoseconds <= tolerance
        states[key] = State(theoreticalArrival: allowed ? next : start, lastUse: useCounter)
        useOrder.append((key, useCounter))
        compactUseOrderIfNeeded()
        return allowed
    }

    /// Evicts least-recently-used keys until a new one fits.
    private mutating func makeRoomForNewKey() {
        while states.count >= configuration.maximumTrackedKeys, let oldest = useOrder.popFirst() {
            if states[oldest.key]?.lastUse == oldest.use {
                states[oldest.key] = nil
            }
        }
    }

    /// Rebuilds the use order when stale pairs outnumber live keys, so it stays O(keys).
    private mutating func compactUseOrderIfNeeded() {
        guard useOrder.count > 2 * states.count + 64 else { return }
        let live = states.map { (key: $0.key, use: $0.value.lastUse) }.sorted { $0.use < $1.use }
        useOrder = Deque(live)
    }
}
