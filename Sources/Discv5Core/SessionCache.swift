// SPDX-License-Identifier: Apache-2.0

/// The sessions of a node, an LRU cache keyed by ``NodeAddress`` (node id and endpoint).
///
/// discv5-theory.md, "Session Cache": "it is sufficient to store a limited number of sessions
/// in an in-memory LRU cache." Bounded by ``capacity``; a session idle for longer than
/// ``idleTimeout`` is gone the next time it is looked up or swept.
///
/// Recency is a per-entry stamp bumped on every use (one dictionary write on the hot path);
/// eviction scans for the oldest stamp, which costs O(capacity) but only when a new session
/// is inserted into a full cache, after a handshake that itself costs ~100 µs.
struct SessionCache {
    private struct Entry {
        var session: Session
        var stamp: UInt64
    }

    /// The most sessions kept.
    let capacity: Int
    /// How long a session may stay unused.
    let idleTimeout: Duration
    private var entries: [NodeAddress: Entry] = [:]
    private var clock: UInt64 = 0

    /// Creates an empty cache.
    ///
    /// - Parameters:
    ///   - capacity: The most sessions kept (at least 1).
    ///   - idleTimeout: How long a session may stay unused.
    init(capacity: Int, idleTimeout: Duration) {
        self.capacity = max(1, capacity)
        self.idleTimeout = idleTimeout
    }

    /// The number of sessions held (expired ones not yet swept included).
    var count: Int { entries.count }

    /// The live session with `address`, marked as used now; `nil` (and removed) when idle too long.
    ///
    /// - Parameters:
    ///   - address: The node and endpoint.
    ///   - now: The current time.
    mutating func session(for address: NodeAddress, now: Discv5Instant) -> Session? {
        guard var entry = entries[address] else { return nil }
        if entry.session.lastUsed.advanced(by: idleTimeout) <= now {
            entries[address] = nil
            return nil
        }
        clock &+= 1
        entry.stamp = clock
        entry.session.lastUsed = now
        entries[address] = entry
        return entry.session
    }

    /// The session with `address` without touching its recency; for inspection.
    ///
    /// - Parameters:
    ///   - address: The node and endpoint.
    func peek(_ address: NodeAddress) -> Session? { entries[address]?.session }

    /// Stores a session, replacing any earlier one with the same address.
    ///
    /// - Parameters:
    ///   - session: The new session.
    ///   - address: The node and endpoint it belongs to.
    /// - Returns: The address of the session evicted to make room, if any.
    @discardableResult
    mutating func insert(_ session: Session, for address: NodeAddress) -> NodeAddress? {
        clock &+= 1
        var evicted: NodeAddress?
        if entries[address] == nil, entries.count >= capacity {
            if let oldest = entries.min(by: { $0.value.stamp < $1.value.stamp })?.key {
                entries[oldest] = nil
                evicted = oldest
            }
        }
        entries[address] = Entry(session: session, stamp: clock)
        return evicted
    }

    /// Forgets the session with `address`.
    ///
    /// - Parameters:
    ///   - address: The node and endpoint.
    mutating func remove(_ address: NodeAddress) {
        entries[address] = nil
    }

    /// Drops every session idle for longer than the timeout.
    ///
    /// - Parameters:
    ///   - now: The current time.
    mutating func removeExpired(now: Discv5Instant) {
        let timeout = idleTimeout
        entries = entries.filter { $0.value.session.lastUsed.advanced(by: timeout) > now }
    }
}

@available(*, unavailable)
extension SessionCache: Sendable {}
