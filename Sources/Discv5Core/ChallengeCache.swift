// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// Live WHOAREYOU challenges, one per ``NodeAddress``, bounded in number.
///
/// Every challenge lives equally long, so insertion order is expiry order: a FIFO of
/// `(address, expiry)` finds the oldest in O(1). When the cache is full, the oldest is dropped
/// (the rate limiter per source IP keeps a single source from filling it quickly); expired
/// entries go as new ones come in and on lookup. A flood of handshake triggers from many
/// addresses keeps the cache full, so an insert must stay O(1) and allocation-free in steady
/// state: it is on the path of every such datagram.
struct ChallengeCache {
    private var entries: [NodeAddress: Challenge] = [:]
    /// Insertion order. An element whose challenge was since removed or replaced no longer
    /// matches `entries` (by expiry) and is skipped.
    private var order: Deque<(address: NodeAddress, expiry: Discv5Instant)> = []
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
        while let first = order.first, first.expiry <= now {
            dropFirst()
        }
        if entries[address] == nil {
            while entries.count >= capacity, !order.isEmpty {
                dropFirst()
            }
        }
        entries[address] = challenge
        order.append((address, challenge.expiry))
        // Removed and replaced challenges leave stale elements behind; keep the FIFO O(capacity).
        if order.count > 2 * capacity + 16 {
            order = Deque(order.filter { entries[$0.address]?.expiry == $0.expiry })
        }
    }

    /// Forgets the challenge sent to `address`.
    mutating func remove(_ address: NodeAddress) {
        entries[address] = nil
    }

    private mutating func dropFirst() {
        guard let first = order.popFirst() else { return }
        if let index = entries.index(forKey: first.address), entries.values[index].expiry == first.expiry {
            entries.remove(at: index)
        }
    }
}
