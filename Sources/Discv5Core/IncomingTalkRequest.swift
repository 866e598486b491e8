// SPDX-License-Identifier: Apache-2.0

import ENR

/// A TALKREQ received from a peer, for the shell's TALK router.
///
/// Answer it with ``Discv5Protocol/respondToTalkRequest(_:response:now:)`` passing ``token``;
/// the TALKREQ router rules ask for an empty TALKRESP when no handler claims the protocol.
public struct IncomingTalkRequest: Hashable, Sendable {
    /// What the machine needs to address the answer: the peer and its request id.
    public struct Token: Hashable, Sendable {
        /// The node and endpoint the request came from.
        public let peer: NodeAddress
        /// The request's `request-id`, mirrored in the answer.
        public let requestID: [UInt8]
    }

    /// The node that sent it.
    public var nodeID: NodeID { token.peer.nodeID }
    /// The endpoint it came from.
    public var endpoint: NodeEndpoint { token.peer.endpoint }
    /// The sub-protocol's id bytes.
    public let protocolID: [UInt8]
    /// The request bytes.
    public let payload: [UInt8]
    /// The answer's address.
    public let token: Token
}
