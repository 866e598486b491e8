// SPDX-License-Identifier: Apache-2.0

/// The packet types of BEP 29, carried in the high nibble of the first header byte.
public enum UTPPacketType: UInt8, Hashable, Sendable, CaseIterable {
    /// ST_DATA: a payload-carrying packet; consumes one sequence number.
    case data = 0
    /// ST_FIN: the sender has no more data (half-close); its sequence number marks the end of the stream.
    case fin = 1
    /// ST_STATE: an ACK; carries no payload and consumes no sequence number.
    case state = 2
    /// ST_RESET: abort the connection.
    case reset = 3
    /// ST_SYN: open a connection; consumes one sequence number.
    case syn = 4
}
