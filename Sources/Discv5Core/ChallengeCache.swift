// SPDX-License-Identifier: Apache-2.0

/// Live WHOAREYOU challenges, one per ``NodeAddress``, bounded in number.
///
/// Expired entries are dropped on lookup and when room is needed; when the cache is full of
/// live challenges, the one closest to expiry is dropped (the rate limiter per source IP keeps
/// a single source from filling it quickly).
struct ChallengeCache {
    private var entries: [NodeAddress: Challenge] = [:]
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.count }

    /// The live challenge sent to `address`.
    mutating func challenge(for address: NodeAddress, now: Discv5Instant) -> Challenge? {
        guard let challenge = entries[address] else { return nil }
        guard challenge.expiry > now else {
            entries[address] = nil
            return nil
        }
        return challenge
    }

    /// Stores a challenge, replacing an earlier one for the same address.
    mutating func insert(_ challenge: Challenge, for address: NodeAddress, now: Discv5Instant) {
        if entries[address] == nil, entries.count >= capacity {
            entries = entries.filter { $0.value.expiry > now }
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expiry < $1.value.expiry })?.key {
                entries[oldest] = nil
            }
        }
        entries[address] = challenge
    }

    /// Forgets the challenge sent to `address`.
    mutating func remove(_ address: NodeAddress) {
        entries[address] = nil
    }
}
