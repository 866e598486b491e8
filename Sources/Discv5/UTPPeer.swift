// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR

/// The other end of a uTP-over-TALKREQ connection: a node id at one endpoint.
///
/// uTP connections are keyed by (node id, IP:port, receive id) (ARCHITECTURE.md, "uTP over TALKREQ"), so two
/// peers are equal when their node id and endpoint are. A peer made from a ``TalkRequest`` or a record also
/// remembers that record (not part of equality): the node needs its public key should the discv5 session
/// have to be re-established in the middle of a transfer.
public struct UTPPeer: Hashable, Sendable, CustomStringConvertible {
    /// The peer's node id.
    public var nodeID: NodeID
    /// The peer's UDP endpoint.
    public var endpoint: NodeEndpoint
    /// The peer's record, when known (not part of equality).
    var record: ENR?

    /// Creates a peer.
    ///
    /// - Parameters:
    ///   - nodeID: The node id.
    ///   - endpoint: The UDP endpoint its packets come from.
    public init(nodeID: NodeID, endpoint: NodeEndpoint) {
        self.nodeID = nodeID
        self.endpoint = endpoint
        self.record = nil
    }

    /// The sender of a TALKREQ: the usual way a sub-protocol names the peer it answers.
    ///
    /// - Parameters:
    ///   - request: The request being answered.
    public init(_ request: TalkRequest) {
        self.nodeID = request.nodeID
        self.endpoint = request.endpoint
        self.record = request.record
    }

    /// The node a record describes, at its IPv4 endpoint (else its IPv6 one).
    ///
    /// - Parameters:
    ///   - record: The record.
    /// - Returns: `nil` when the record has no UDP endpoint.
    public init?(record: ENR) {
        guard let endpoint = NodeEndpoint(record: record) else { return nil }
        self.nodeID = record.nodeID
        self.endpoint = endpoint
        self.record = record
    }

    /// `nodeID@endpoint`.
    public var description: String { "\(self.nodeID)@\(self.endpoint)" }

    /// The contact the engine sends to (with the record's public key when known).
    var contact: NodeContact {
        if let record, record.nodeID == self.nodeID { return NodeContact(record: record, endpoint: self.endpoint) }
        return NodeContact(nodeID: self.nodeID, endpoint: self.endpoint)
    }

    /// Whether two peers name the same node at the same endpoint.
    ///
    /// - Parameters:
    ///   - lhs: A peer.
    ///   - rhs: Another peer.
    public static func == (lhs: UTPPeer, rhs: UTPPeer) -> Bool {
        lhs.nodeID == rhs.nodeID && lhs.endpoint == rhs.endpoint
    }

    /// Hashes the node id and endpoint.
    ///
    /// - Parameters:
    ///   - hasher: The hasher.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.nodeID)
        hasher.combine(self.endpoint)
    }
}
