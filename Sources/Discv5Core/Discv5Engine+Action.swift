// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Engine {
    /// Something the shell must do or may want to know, drained with ``Discv5Engine/nextAction()``.
    public enum Action: Hashable, Sendable {
        /// Send a datagram.
        case send([UInt8], to: NodeEndpoint)
        /// An operation the caller started finished (exactly once per ``OperationID``).
        case completed(OperationID, OperationResult)
        /// A TALKREQ arrived; answer it with ``Discv5Engine/respondToTalkRequest(_:response:now:)``
        /// (an empty answer for an unknown protocol).
        case incomingTalkRequest(IncomingTalkRequest)
        /// A change of the node's state.
        case event(Event)
    }

    /// The outcome of an operation.
    public enum OperationResult: Hashable, Sendable {
        /// PING answered: the peer's record `seq` and the endpoint it saw us at.
        case pong(enrSeq: UInt64, recipient: NodeEndpoint)
        /// FINDNODE answered: every verified record at the asked distances.
        case nodes([ENR])
        /// TALKREQ answered: the sub-protocol's bytes (empty for an unknown protocol).
        case talk([UInt8])
        /// Lookup finished: the `k` closest nodes to the target that answered, nearest first.
        case lookup([ENR])
        /// The operation failed (``Discv5CoreError/Code/timeout`` when the peer did not answer).
        case failed(Discv5CoreError)
    }

    /// Changes of the node's state.
    public enum Event: Hashable, Sendable {
        /// A node entered a bucket of the routing table (unverified until its liveness check
        /// passes; ``Discv5Engine/tableRecords(onlyLive:)`` lists it once live).
        case nodeAdded(ENR)
        /// A node left the routing table (failed a liveness check or a request timed out).
        case nodeRemoved(NodeID)
        /// A handshake completed with a node at an endpoint.
        case sessionEstablished(NodeID, NodeEndpoint)
        /// Our record changed (a new endpoint won the vote, or the user set one); `seq` went up.
        case localRecordChanged(ENR)
    }
}
