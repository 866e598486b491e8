// SPDX-License-Identifier: Apache-2.0

import ENR

/// NODES Response (0x04): `message-data = [request-id, total, [ENR, ...]]`.
///
/// "`total` = total number of responses to the request." "Implementations may place a limit on
/// the allowed maximum for `total`. If exceeded, additional responses may be ignored." That
/// limit, and checking each record against the requested distances, belong to the protocol
/// core.
///
/// Records are decoded and verified one by one. A record that is well-formed RLP but not a
/// valid, correctly signed ENR is skipped and counted in ``invalidRecordCount`` instead of
/// failing the message: one bad record must not hide the good ones, and the count lets the
/// core penalise the sender. RLP that cannot be walked fails the whole message.
public struct Nodes: Sendable, Hashable {
    /// The id of the request being answered.
    public var requestID: RequestID
    /// The number of NODES messages in this response.
    public var total: UInt64
    /// The valid records, in message order.
    public var records: [ENR]
    /// How many records in the received message were invalid and skipped (0 when encoding).
    public var invalidRecordCount: Int

    /// Creates a NODES message.
    ///
    /// - Parameters:
    ///   - requestID: The request's id, mirrored.
    ///   - total: The number of NODES messages in the response (at least 1).
    ///   - records: The records this message carries.
    ///   - invalidRecordCount: Records skipped while decoding; 0 for an outgoing message.
    public init(requestID: RequestID, total: UInt64, records: [ENR], invalidRecordCount: Int = 0) {
        self.requestID = requestID
        self.total = total
        self.records = records
        self.invalidRecordCount = invalidRecordCount
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        RLPWriter.appendUInt(total, to: &buffer)
        var list: [UInt8] = []
        for record in records {
            // A record's encoding is already an RLP list.
            list.append(contentsOf: record.encoded)
        }
        RLPWriter.appendList(payload: list, to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        self.total = try fields.uint64("total")
        var list = try fields.list("records")
        var records: [ENR] = []
        var invalid = 0
        while !list.isAtEnd {
            let encoded = try list.rawItem("record")
            if let record = try? ENR(encoded: encoded) {
                records.append(record)
            } else {
                invalid += 1
            }
        }
        self.records = records
        self.invalidRecordCount = invalid
        try fields.expectEnd("NODES")
    }
}
