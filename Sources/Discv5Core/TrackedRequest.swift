// SPDX-License-Identifier: Apache-2.0

import ENR

/// Why ``Discv5Engine`` sent a request through its protocol machine, and to whom.
struct TrackedRequest {
    /// What the answer is for.
    enum Purpose {
        /// A user's PING, FINDNODE or TALKREQ: the answer completes the operation.
        case user(OperationID)
        /// A liveness check handed out by the routing table.
        case liveness
        /// A FINDNODE of a running lookup.
        case lookup(OperationID)
        /// FINDNODE distance 0 after a PONG announced a newer record.
        case recordFetch
    }

    var purpose: Purpose
    /// The request, kept so a timed-out one can be sent again.
    var request: OutgoingRequest
    /// Times this request was already re-sent after a timeout.
    var retries: Int
    /// The node asked.
    var nodeID: NodeID
    /// Where it was asked; only an answer at the table's endpoint proves the table entry live.
    var endpoint: NodeEndpoint
    /// The record we held for it when asking, if any.
    var record: ENR?
}
