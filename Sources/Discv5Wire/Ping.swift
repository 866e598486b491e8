// SPDX-License-Identifier: Apache-2.0

/// PING Request (0x01): `message-data = [request-id, enr-seq]`.
///
/// "PING checks whether the recipient is alive and informs it about the sender's ENR sequence
/// number."
public struct Ping: Sendable, Hashable {
    /// The requester-chosen id the PONG mirrors.
    public var requestID: RequestID
    /// "local ENR sequence number of sender".
    public var enrSeq: UInt64

    /// Creates a PING.
    ///
    /// - Parameters:
    ///   - requestID: The request id.
    ///   - enrSeq: The sender's current record sequence number.
    public init(requestID: RequestID, enrSeq: UInt64) {
        self.requestID = requestID
        self.enrSeq = enrSeq
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        RLPWriter.appendUInt(enrSeq, to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        self.enrSeq = try fields.uint64("enr-seq")
        try fields.expectEnd("PING")
    }
}
