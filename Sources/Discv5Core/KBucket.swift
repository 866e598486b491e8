// SPDX-License-Identifier: Apache-2.0

import ENR

/// One k-bucket: the nodes at one log-distance from the local node, plus the replacement
/// cache that waits for room in it.
///
/// Both lists are tiny (k = 16 and 10 by default), so linear scans beat any index.
struct KBucket: Sendable {
    /// The bucket's entries, in insertion order.
    var entries: [RoutingTable.Entry] = []
    /// Candidates waiting for room, oldest first; the newest is promoted first.
    var replacements: [RoutingTable.Entry] = []

    /// The position of a node in ``entries``.
    func entryIndex(of nodeID: NodeID) -> Int? {
        entries.firstIndex { $0.nodeID == nodeID }
    }

    /// The position of a node in ``replacements``.
    func replacementIndex(of nodeID: NodeID) -> Int? {
        replacements.firstIndex { $0.nodeID == nodeID }
    }

    /// How many entries count against `subnet`.
    func entryCount(in subnet: IPSubnet, configuration: RoutingTableConfiguration) -> Int {
        entries.reduce(0) { count, entry in
            IPSubnet(address: entry.endpoint.ip, configuration: configuration) == subnet ? count + 1 : count
        }
    }

    /// The entry heard from least recently: the one Kademlia checks when the bucket is full.
    var leastRecentlySeenIndex: Int? {
        entries.indices.min { entries[$0].lastSeen < entries[$1].lastSeen }
    }
}
