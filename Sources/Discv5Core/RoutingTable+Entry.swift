// SPDX-License-Identifier: Apache-2.0

import ENR

extension RoutingTable {
    /// Whether a node has proven it is reachable.
    public enum Status: Sendable, Equatable {
        /// Known from a record only, or its last check is still outstanding; never served to
        /// others in NODES.
        case unverified
        /// Answered a liveness check (a PING/PONG, or any request that got its response)
        /// at its stored endpoint.
        case live
    }

    /// How the table learned about a node.
    public enum Origin: Sendable, Equatable {
        /// From our own queries (a NODES response to our FINDNODE, or a bootstrap record).
        case discovered
        /// The node contacted us first.
        case inbound
    }

    /// One node in a bucket or a replacement cache.
    public struct Entry: Sendable, Equatable {
        /// The newest record of the node we hold.
        public internal(set) var record: ENR
        /// The endpoint we talk to: the observed source for an inbound node, otherwise the
        /// record's.
        public internal(set) var endpoint: NodeEndpoint
        /// Whether the node passed a liveness check.
        public internal(set) var status: Status
        /// How the table learned about the node.
        public internal(set) var origin: Origin
        /// When we last heard from the node directly.
        public internal(set) var lastSeen: Discv5Instant
        /// When the node last passed a liveness check; `nil` before the first.
        public internal(set) var lastChecked: Discv5Instant?
        /// When a liveness check was handed out and not yet answered.
        var checkStartedAt: Discv5Instant?

        /// The node's identifier.
        public var nodeID: NodeID { record.nodeID }
    }

    /// A node the caller should ping now, then report with
    /// ``RoutingTable/recordLivenessResult(_:alive:now:)``.
    public struct LivenessCheck: Sendable, Equatable {
        /// The node to ping.
        public let nodeID: NodeID
        /// Its record (for the handshake, should one be needed).
        public let record: ENR
        /// Where to send the PING.
        public let endpoint: NodeEndpoint

        /// Creates a check request for an entry.
        /// - Parameters:
        ///   - entry: the entry to check.
        init(_ entry: Entry) {
            self.nodeID = entry.nodeID
            self.record = entry.record
            self.endpoint = entry.endpoint
        }
    }

    /// Why ``RoutingTable/insert(_:endpoint:origin:now:)`` turned a node away.
    public enum RejectionReason: Sendable, Equatable {
        /// The record is our own.
        case localNode
        /// Neither the caller nor the record gives a UDP endpoint.
        case noEndpoint
        /// The bucket already holds the maximum number of nodes of that subnet.
        case bucketSubnetLimit
        /// The table already holds the maximum number of nodes of that subnet.
        case tableSubnetLimit
        /// The table is not yet stocked by our own queries (see
        /// ``RoutingTableConfiguration/inboundAdmissionThreshold``).
        case inboundNotYetAdmitted
    }

    /// What ``RoutingTable/insert(_:endpoint:origin:now:)`` did.
    public enum InsertResult: Sendable, Equatable {
        /// A new, unverified entry; ``RoutingTable/nextLivenessCheck(now:)`` offers it for a
        /// check right away.
        case inserted
        /// A known node (in a bucket or a replacement cache) got a newer record or a new
        /// endpoint. A new endpoint makes a bucket entry unverified again.
        case updated
        /// A known node, and the record is not newer: nothing changed.
        case unchanged
        /// The bucket is full; the node waits in the replacement cache. When `check` is set,
        /// the bucket's least-recently-seen entry is due a liveness check: ping it and report
        /// the outcome; a failure makes room for a replacement.
        case addedToReplacementCache(check: LivenessCheck?)
        /// Turned away.
        case rejected(RejectionReason)
    }

    /// What ``RoutingTable/recordLivenessResult(_:alive:now:)`` did.
    public enum LivenessOutcome: Sendable, Equatable {
        /// The node passed its first check and is now served to others.
        case becameLive
        /// A live node passed again.
        case stillLive
        /// The node failed and was removed; `promoted` names the replacement that took its
        /// place (unverified until its own check).
        case evicted(promoted: NodeID?)
        /// The node is not in any bucket (already removed, or never there).
        case unknownNode
    }
}
