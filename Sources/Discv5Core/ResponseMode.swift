// SPDX-License-Identifier: Apache-2.0

/// Whether a request waits for an answer.
public enum ResponseMode: Hashable, Sendable {
    /// Request/response: the answer is delivered as ``Discv5Protocol/Action/response(_:_:)``,
    /// and a missing one as ``Discv5Protocol/Action/requestFailed(_:_:)`` with
    /// ``Discv5CoreError/Code/timeout`` (which counts against the peer's liveness).
    case expectResponse
    /// Fire and forget (uTP over TALKREQ): still triggers a handshake when no session
    /// exists and is re-sent inside it, but never times the peer out, never fails the peer's
    /// other requests, never reaches the routing table, and any TALKRESP to it is ignored.
    case noResponse
}
