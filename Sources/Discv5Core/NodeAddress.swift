// SPDX-License-Identifier: Apache-2.0

import ENR

/// A node at one UDP endpoint: the key of sessions, challenges and handshakes.
///
/// discv5-theory.md, "Session Cache": "To prevent IP spoofing attacks, implementations must
/// ensure that session secrets and the handshake are tied to a specific UDP endpoint. This is
/// simple to implement by using the node ID and IP/port as the 'key' into the in-memory
/// session cache." A session therefore never follows a node to another endpoint.
public struct NodeAddress: Hashable, Sendable, CustomStringConvertible {
    /// The node's id.
    public var nodeID: NodeID
    /// The endpoint the node talks from.
    public var endpoint: NodeEndpoint

    /// Creates an address.
    ///
    /// - Parameters:
    ///   - nodeID: The node's id.
    ///   - endpoint: Its UDP endpoint.
    public init(nodeID: NodeID, endpoint: NodeEndpoint) {
        self.nodeID = nodeID
        self.endpoint = endpoint
    }

    /// `<node id>@<endpoint>`.
    public var description: String { "\(nodeID)@\(endpoint)" }
}
