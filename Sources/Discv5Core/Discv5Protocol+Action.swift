// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Protocol {
    /// Something the shell must do, drained with ``Discv5Protocol/nextAction()``.
    public enum Action: Hashable, Sendable {
        /// Send a datagram.
        case send([UInt8], to: NodeEndpoint)
        /// A request got its answer.
        case response(RequestHandle, Response)
        /// A request failed; for ``Discv5CoreError/Code/timeout`` the peer did not answer
        /// (count it against the peer's liveness).
        case requestFailed(RequestHandle, Discv5CoreError)
        /// A TALKREQ arrived; answer it with ``Discv5Protocol/respondToTalkRequest(_:response:now:)``.
        case incomingTalkRequest(IncomingTalkRequest)
        /// Something the rest of the node may want to know.
        case event(Event)
    }

    /// Notable changes of the machine's state.
    public enum Event: Hashable, Sendable {
        /// A handshake completed; packets with `nodeID` at `endpoint` now use the new keys.
        ///
        /// `tableEligible` is `false` when the node's record is unknown or its UDP endpoint is
        /// not `endpoint`: the node still gets a session and answers, but the routing table
        /// must not add it. `initiatedLocally` tells whether we sent the handshake packet.
        case sessionEstablished(
            nodeID: NodeID,
            endpoint: NodeEndpoint,
            record: ENR?,
            tableEligible: Bool,
            initiatedLocally: Bool
        )
    }
}
