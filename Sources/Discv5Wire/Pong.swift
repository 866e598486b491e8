// SPDX-License-Identifier: Apache-2.0

import ENR

/// PONG Response (0x02): `message-data = [request-id, enr-seq, recipient-ip, recipient-port]`.
///
/// "`recipient-ip` = 16 or 4 byte IP address of the intended recipient; `recipient-port` =
/// recipient UDP port, a 16-bit integer" — the endpoint the PING came from, as seen by the
/// responder, which is how a node learns its external address.
public struct Pong: Sendable, Hashable {
    /// The id of the PING being answered.
    public var requestID: RequestID
    /// "ENR sequence number of sender".
    public var enrSeq: UInt64
    /// The PING's source address as the responder saw it.
    public var recipientIP: IPAddress
    /// The PING's source UDP port as the responder saw it.
    public var recipientPort: UInt16

    /// Creates a PONG.
    ///
    /// - Parameters:
    ///   - requestID: The PING's request id, mirrored.
    ///   - enrSeq: The responder's record sequence number.
    ///   - recipientIP: The PING's source address.
    ///   - recipientPort: The PING's source port.
    public init(requestID: RequestID, enrSeq: UInt64, recipientIP: IPAddress, recipientPort: UInt16) {
        self.requestID = requestID
        self.enrSeq = enrSeq
        self.recipientIP = recipientIP
        self.recipientPort = recipientPort
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        RLPWriter.appendUInt(enrSeq, to: &buffer)
        RLPWriter.appendBytes(recipientIP.bytes, to: &buffer)
        RLPWriter.appendUInt(UInt64(recipientPort), to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        self.enrSeq = try fields.uint64("enr-seq")
        let ip = try fields.bytes("recipient-ip")
        guard let address = IPAddress(bytes: ip) else {
            throw .invalidMessage("recipient-ip of \(ip.count) bytes, expected 4 or 16")
        }
        self.recipientIP = address
        self.recipientPort = try fields.uint16("recipient-port")
        try fields.expectEnd("PONG")
    }
}
