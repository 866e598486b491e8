// SPDX-License-Identifier: Apache-2.0

/// Something the upper layer should learn about, drained with ``UTPConnection/pollEvent()``.
public enum UTPConnectionEvent: Hashable, Sendable {
    /// The handshake completed (initiator: SYN-ACK received; listener: SYN accepted).
    case connected
    /// New in-order bytes can be read (raised again only after the buffer was drained).
    case readable
    /// Send-buffer space became free after a write was cut short.
    case writable
    /// The peer's FIN was reached: every byte it will send has been delivered to the read buffer.
    case peerFinished
    /// The connection reached its terminal state.
    case closed(UTPCloseReason)
}
