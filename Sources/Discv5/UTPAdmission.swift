// SPDX-License-Identifier: Apache-2.0

import UTP

/// The uTP service's bookkeeping of receive ids in use, per peer: live connections, pending expectations, and
/// ids reserved by a call that is on its way to the event loop. Ids of closed connections that linger stay
/// reserved (no new connection may take them) but no longer count toward the limits, as in the multiplexer.
///
/// It is the authority for the limits and for picking `X`, so ``UTPService/expect(from:)``,
/// ``UTPService/canAccept(from:)`` and ``UTPService/activeConnectionCount`` answer at once from any task.
/// An id is reserved here before the multiplexer learns of it and released only after the multiplexer
/// dropped it, so the multiplexer (configured with the same limits) never refuses what was admitted here.
struct UTPAdmission: ~Copyable {
    let maximumConnections: Int
    let maximumConnectionsPerPeer: Int
    private(set) var total = 0
    /// Ids that count toward the limits.
    private var receiveIDs: [UTPPeer: Set<UInt16>] = [:]
    /// Ids of lingering connections: in use, not counted.
    private var lingeringIDs: [UTPPeer: Set<UInt16>] = [:]

    init(maximumConnections: Int, maximumConnectionsPerPeer: Int) {
        self.maximumConnections = max(0, maximumConnections)
        self.maximumConnectionsPerPeer = max(0, maximumConnectionsPerPeer)
    }

    /// Whether one more connection or expectation with `peer` is within both limits.
    func canAccept(from peer: UTPPeer) -> Bool {
        self.total < self.maximumConnections
            && (self.receiveIDs[peer]?.count ?? 0) < self.maximumConnectionsPerPeer
    }

    private func checkLimits(_ peer: UTPPeer) throws(UTPError) {
        guard self.total < self.maximumConnections else {
            throw UTPError.connectionLimitReached("total uTP connection limit \(self.maximumConnections)")
        }
        guard (self.receiveIDs[peer]?.count ?? 0) < self.maximumConnectionsPerPeer else {
            throw UTPError.connectionLimitReached("per-peer uTP connection limit \(self.maximumConnectionsPerPeer)")
        }
    }

    /// Reserves the receive id of an initiator connection (`X`, the id the peer handed out).
    ///
    /// - Throws: ``UTPError`` `connectionLimitReached` or `connectionIDInUse`.
    mutating func reserveInitiator(_ peer: UTPPeer, connectionID: UInt16) throws(UTPError) {
        try self.checkLimits(peer)
        guard !self.isInUse(connectionID, by: peer) else {
            throw UTPError.connectionIDInUse(connectionID)
        }
        self.add(peer, connectionID)
    }

    /// Picks a random `X` for a listener whose receive id `X+1` and send id `X` collide with no live or
    /// pending connection with `peer` (receive ids `X−1 … X+2` all unused), and reserves `X+1`.
    ///
    /// - Returns: `X`.
    /// - Throws: ``UTPError`` `connectionLimitReached`, or `connectionIDInUse` when no free id was found.
    mutating func reserveListener(
        _ peer: UTPPeer,
        using random: inout some RandomNumberGenerator
    ) throws(UTPError) -> UInt16 {
        try self.checkLimits(peer)
        // The connections with one peer (the per-peer limit plus its lingering ones, at most a few
        // thousand) block a small share of the 65 536 ids: a few draws suffice.
        for _ in 0..<64 {
            let candidate = UInt16.random(in: 0...UInt16.max, using: &random)
            let collides = [candidate &- 1, candidate, candidate &+ 1, candidate &+ 2].contains {
                self.isInUse($0, by: peer)
            }
            if !collides {
                self.add(peer, candidate &+ 1)
                return candidate
            }
        }
        throw UTPError.connectionIDInUse(0)
    }

    /// The connection with this receive id closed and lingers: its id stays reserved but stops counting.
    mutating func markLingering(_ peer: UTPPeer, receiveID: UInt16) {
        guard Self.remove(receiveID, of: peer, from: &self.receiveIDs) else { return }
        self.total -= 1
        self.lingeringIDs[peer, default: []].insert(receiveID)
    }

    /// Frees a receive id once the multiplexer dropped its connection or expectation.
    ///
    /// - Returns: Whether `peer` has no id left.
    @discardableResult
    mutating func release(_ peer: UTPPeer, receiveID: UInt16) -> Bool {
        if Self.remove(receiveID, of: peer, from: &self.receiveIDs) {
            self.total -= 1
        } else {
            Self.remove(receiveID, of: peer, from: &self.lingeringIDs)
        }
        return !self.isInUse(peer)
    }

    /// Whether `peer` has any id in use.
    func isInUse(_ peer: UTPPeer) -> Bool {
        self.receiveIDs[peer] != nil || self.lingeringIDs[peer] != nil
    }

    private func isInUse(_ receiveID: UInt16, by peer: UTPPeer) -> Bool {
        self.receiveIDs[peer]?.contains(receiveID) == true || self.lingeringIDs[peer]?.contains(receiveID) == true
    }

    @discardableResult
    private static func remove(_ receiveID: UInt16, of peer: UTPPeer, from sets: inout [UTPPeer: Set<UInt16>]) -> Bool {
        guard var ids = sets[peer], ids.remove(receiveID) != nil else { return false }
        sets[peer] = ids.isEmpty ? nil : ids
        return true
    }

    private mutating func add(_ peer: UTPPeer, _ receiveID: UInt16) {
        self.receiveIDs[peer, default: []].insert(receiveID)
        self.total += 1
    }
}
