// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// Where and to whom a request goes.
///
/// A handshake needs the remote's static public key (discv5-theory.md, Step 1: "Node A must
/// have a copy of node B's record in order to communicate with it"). A contact made from an
/// id and endpoint alone can still use an existing session, but a request that must start a
/// handshake fails with ``Discv5CoreError/Code/noRecord``.
public struct NodeContact: Hashable, Sendable {
    /// The node's id.
    public var nodeID: NodeID
    /// The endpoint to send to.
    public var endpoint: NodeEndpoint
    /// The node's static public key, when known.
    public var publicKey: Secp256k1.PublicKey?
    /// The node's record, when known.
    public var record: ENR?

    /// A contact from a record, at the record's UDP endpoint (IPv4 first, then IPv6).
    ///
    /// - Parameters:
    ///   - record: The node's record.
    /// - Returns: `nil` when the record has no UDP endpoint.
    public init?(record: ENR) {
        guard let endpoint = NodeEndpoint(record: record) else { return nil }
        self.init(record: record, endpoint: endpoint)
    }

    /// A contact from a record at an explicit endpoint.
    ///
    /// - Parameters:
    ///   - record: The node's record.
    ///   - endpoint: Where to send.
    public init(record: ENR, endpoint: NodeEndpoint) {
        self.nodeID = record.nodeID
        self.endpoint = endpoint
        self.publicKey = record.publicKey
        self.record = record
    }

    /// A contact from an id and endpoint, with the public key when known.
    ///
    /// - Parameters:
    ///   - nodeID: The node's id.
    ///   - endpoint: Where to send.
    ///   - publicKey: The node's static key; without it no handshake can be made.
    public init(nodeID: NodeID, endpoint: NodeEndpoint, publicKey: Secp256k1.PublicKey? = nil) {
        self.nodeID = nodeID
        self.endpoint = endpoint
        self.publicKey = publicKey
        self.record = nil
    }

    /// The session key of this contact.
    public var address: NodeAddress { NodeAddress(nodeID: nodeID, endpoint: endpoint) }
}
