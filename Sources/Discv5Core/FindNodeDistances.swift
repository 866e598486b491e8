// SPDX-License-Identifier: Apache-2.0

import ENR

/// The distance rules of FINDNODE, shared by the lookup, the NODES collector and the FINDNODE
/// server.
///
/// discv5-wire.md, FINDNODE: "`distances` … the requested log2 distances … a distance of `0`
/// requests the recipient's own record"; NODES: the requester "should verify that the
/// returned records are at the requested distances". A record outside them is either a bug or
/// an attempt to steer us, so it is dropped and counted.
public enum FindNodeDistances {
    /// The largest log-distance between two 256-bit identifiers.
    public static let maximumDistance = 256

    /// The distances a lookup asks a peer for: `[d, d + 1, d − 1]` with
    /// `d = logdistance(target, peer)`, keeping only values in `1...256` (so `d = 256` asks
    /// `[256, 255]`, `d = 1` asks `[1, 2]`, and the target itself, `d = 0`, is asked `[1]`).
    ///
    /// Asking neighbouring distances as well keeps the answer useful when the peer's bucket
    /// `d` is sparse: all reference implementations ask three distances.
    /// - Parameters:
    ///   - target: the lookup's target.
    ///   - peer: the node to ask.
    /// - Returns: one to three distinct distances, `d` first.
    public static func forLookup(target: NodeID, peer: NodeID) -> [UInt16] {
        let d = target.logDistance(to: peer)
        var result: [UInt16] = []
        for candidate in [d, d + 1, d - 1] where (1...maximumDistance).contains(candidate) {
            result.append(UInt16(candidate))
        }
        return result
    }

    /// Whether a record returned by `peer` lies at one of the distances we asked it for.
    /// - Parameters:
    ///   - record: a record from the peer's NODES response.
    ///   - distances: the distances of our FINDNODE.
    ///   - peer: the node that answered.
    /// - Returns: `true` when `logdistance(peer, record)` is in `distances`.
    public static func record(_ record: ENR, matches distances: [UInt16], from peer: NodeID) -> Bool {
        let distance = peer.logDistance(to: record.nodeID)
        return distances.contains { Int($0) == distance }
    }

    /// The distances of an incoming FINDNODE worth serving: duplicates and values above 256
    /// removed, order kept.
    /// - Parameters:
    ///   - requested: the distances as received.
    /// - Returns: distinct distances in `0...256`, in request order.
    public static func sanitized(_ requested: [UInt16]) -> [Int] {
        var seen = Set<Int>()
        return requested.map(Int.init).filter { $0 <= maximumDistance && seen.insert($0).inserted }
    }
}
