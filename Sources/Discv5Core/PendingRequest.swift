// SPDX-License-Identifier: Apache-2.0

import ENR

/// One request this node sent (or is about to send) and its progress.
struct PendingRequest {
    /// Where the request is in its life.
    enum Stage: Equatable {
        /// Waiting behind the handshake with its peer; not sent yet.
        case queued
        /// Sent in the packet with random content that asks for a WHOAREYOU.
        case awaitingChallenge
        /// Sent under a session (or inside the handshake packet); awaiting the answer.
        case sent
    }

    let handle: RequestHandle
    /// The wire `request-id`: 8 random bytes, unique among this peer's pending requests.
    let requestID: [UInt8]
    let contact: NodeContact
    let request: OutgoingRequest
    let mode: ResponseMode
    var stage: Stage
    /// When the current leg times out.
    var deadline: Discv5Instant
    /// The nonce of the last packet that carried the request, matched against WHOAREYOU.
    var packetNonce: [UInt8]?
    /// Handshakes this request started by answering a WHOAREYOU.
    var handshakes = 0
    /// The NODES packets received so far, for a FINDNODE.
    var nodes: NodesResponseCollector?

    var address: NodeAddress { contact.address }
}
