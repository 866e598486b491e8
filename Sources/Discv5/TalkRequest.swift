// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR

/// A TALKREQ handed to a ``TalkProtocolHandler``.
public struct TalkRequest: Sendable, Hashable {
    /// The sub-protocol's id bytes.
    public var protocolID: [UInt8]
    /// The request bytes.
    public var payload: [UInt8]
    /// The node that sent it (proven by the session it came under).
    public var nodeID: NodeID
    /// The endpoint it came from.
    public var endpoint: NodeEndpoint
    /// The sender's record, when the node knows it (routing table).
    public var record: ENR?

    /// Creates a request (for tests of handlers).
    ///
    /// - Parameters:
    ///   - protocolID: The sub-protocol's id bytes.
    ///   - payload: The request bytes.
    ///   - nodeID: The sender.
    ///   - endpoint: Where it came from.
    ///   - record: The sender's record, if known.
    public init(protocolID: [UInt8], payload: [UInt8], nodeID: NodeID, endpoint: NodeEndpoint, record: ENR? = nil) {
        self.protocolID = protocolID
        self.payload = payload
        self.nodeID = nodeID
        self.endpoint = endpoint
        self.record = record
    }
}
