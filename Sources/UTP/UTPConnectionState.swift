// SPDX-License-Identifier: Apache-2.0

/// The externally visible state of a connection (BEP 29 states plus half-close).
///
/// ```
///  initiator: synSent ──SYN-ACK──▶ connected        listener: (SYN) ──▶ connected
///  connected ──finish()──▶ finishing ──peer FIN──▶ closing ──FIN acked──▶ closed(.finished)
///  connected ──peer FIN──▶ peerFinished ──finish()──▶ closing
///  any ──RESET / timeout / reset()──▶ closed(reason)
/// ```
public enum UTPConnectionState: Hashable, Sendable {
    /// Initiator waiting for the SYN-ACK.
    case synSent
    /// Open in both directions.
    case connected
    /// We sent (or queued) our FIN; the peer may still send.
    case finishing
    /// The peer's FIN was reached; we may still send.
    case peerFinished
    /// Both directions finished; waiting for our FIN's acknowledgement.
    case closing
    /// Terminal.
    case closed(UTPCloseReason)
}
