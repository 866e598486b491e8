// SPDX-License-Identifier: Apache-2.0

/// One uTP packet (BEP 29, version 1).
///
/// ```
/// 0       4       8               16              24              32
/// +-------+-------+---------------+---------------+---------------+
/// | type  | ver   | extension     | connection_id                 |
/// +-------+-------+---------------+---------------+---------------+
/// | timestamp_microseconds                                        |
/// | timestamp_difference_microseconds                             |
/// | wnd_size                                                      |
/// | seq_nr                        | ack_nr                        |
/// +---------------+---------------+---------------+---------------+
/// ```
/// All fields are big-endian. Extensions follow as a chain of `(next_type, len, body)`.
/// Decoding and encoding live in `UTPPacket+Codec.swift`.
public struct UTPPacket: Hashable, Sendable {
    /// The fixed header length in bytes (BEP 29).
    public static let headerLength = 20

    /// The only protocol version this implementation speaks (BEP 29: version 1).
    public static let version: UInt8 = 1

    /// The packet type.
    public var type: UTPPacketType
    /// The connection id the receiver of this packet files it under.
    public var connectionID: UInt16
    /// The sender's clock (microseconds, wrapping) when the packet was sent.
    public var timestampMicroseconds: UInt32
    /// The sender's receive time of the last packet minus that packet's timestamp (wrapping).
    public var timestampDifferenceMicroseconds: UInt32
    /// The sender's free receive buffer in bytes.
    public var windowSize: UInt32
    /// The sequence number.
    public var sequenceNumber: UInt16
    /// The last sequence number the sender received in order.
    public var ackNumber: UInt16
    /// The selective-ACK extension, if present.
    public var selectiveAck: UTPSelectiveAck?
    /// The payload (a slice of the decoded datagram, so decoding does not copy it).
    public var payload: ArraySlice<UInt8>

    /// Creates a packet.
    /// - Parameters:
    ///   - type: The packet type.
    ///   - connectionID: The connection id field.
    ///   - timestampMicroseconds: The sender timestamp.
    ///   - timestampDifferenceMicroseconds: The measured one-way delay to report.
    ///   - windowSize: The advertised receive window in bytes.
    ///   - sequenceNumber: `seq_nr`.
    ///   - ackNumber: `ack_nr`.
    ///   - selectiveAck: An optional selective ACK.
    ///   - payload: The payload bytes.
    public init(
        type: UTPPacketType,
        connectionID: UInt16,
        timestampMicroseconds: UInt32 = 0,
        timestampDifferenceMicroseconds: UInt32 = 0,
        windowSize: UInt32 = 0,
        sequenceNumber: UInt16,
        ackNumber: UInt16,
        selectiveAck: UTPSelectiveAck? = nil,
        payload: ArraySlice<UInt8> = []
    ) {
        self.type = type
        self.connectionID = connectionID
        self.timestampMicroseconds = timestampMicroseconds
        self.timestampDifferenceMicroseconds = timestampDifferenceMicroseconds
        self.windowSize = windowSize
        self.sequenceNumber = sequenceNumber
        self.ackNumber = ackNumber
        self.selectiveAck = selectiveAck
        self.payload = payload
    }
}
