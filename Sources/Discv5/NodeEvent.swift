// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR

/// A change of a ``Node``'s state, delivered by ``Node/events``.
public enum NodeEvent: Sendable, Hashable {
    /// A node entered the routing table (unverified until its liveness check passes).
    case nodeAdded(ENR)
    /// A node left the routing table.
    case nodeRemoved(NodeID)
    /// A handshake completed with a node at an endpoint.
    case sessionEstablished(NodeID, NodeEndpoint)
    /// Our record changed (new endpoint, higher `seq`).
    case localRecordChanged(ENR)
}
