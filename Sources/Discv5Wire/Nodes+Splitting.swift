// SPDX-License-Identifier: Apache-2.0

import ENR

extension Nodes {
    /// Splits a response into NODES messages that each fit one packet.
    ///
    /// "To stay below the size limit, NODES responses are sent as multiple messages and specify
    /// the total number of responses in the message." Records are packed greedily in order;
    /// every message's plaintext (`message-type || rlp(message-data)`, the size the packet
    /// codec seals) stays within `maximumMessageSize`, and `total` is the number of messages,
    /// at least 1: an empty result is still answered with one NODES carrying no records.
    ///
    /// - Parameters:
    ///   - requestID: The FINDNODE's request id, mirrored in every message.
    ///   - records: The records to send, each at most 300 bytes.
    ///   - maximumMessageSize: The plaintext budget per message. The default,
    ///     ``PacketLimits/maximumOrdinaryMessageSize``, fills an ordinary message packet (the
    ///     kind a response travels in) to exactly 1280 bytes at most. It must hold at least one
    ///     300-byte record (about 330 bytes); a smaller budget is a programming error.
    /// - Returns: The messages, in order.
    public static func split(
        requestID: RequestID,
        records: [ENR],
        maximumMessageSize: Int = PacketLimits.maximumOrdinaryMessageSize
    ) -> [Nodes] {
        var requestIDBytes: [UInt8] = []
        RLPWriter.appendBytes(requestID.bytes, to: &requestIDBytes)
        // `total` is at most one message per record; reserve the size of that bound so the
        // groups stay valid whatever the final count.
        var totalBound: [UInt8] = []
        RLPWriter.appendUInt(UInt64(max(records.count, 1)), to: &totalBound)
        let fixed = requestIDBytes.count + totalBound.count

        func messageSize(recordBytes: Int) -> Int {
            let data = fixed + RLPWriter.headerSize(payloadLength: recordBytes) + recordBytes
            return 1 + RLPWriter.headerSize(payloadLength: data) + data
        }

        var groups: [[ENR]] = []
        var current: [ENR] = []
        var currentBytes = 0
        for record in records {
            let size = record.encoded.count
            if !current.isEmpty, messageSize(recordBytes: currentBytes + size) > maximumMessageSize {
                groups.append(current)
                current = []
                currentBytes = 0
            }
            precondition(
                messageSize(recordBytes: size) <= maximumMessageSize,
                "a NODES budget of \(maximumMessageSize) bytes cannot hold a \(size)-byte record"
            )
            current.append(record)
            currentBytes += size
        }
        if !current.isEmpty || groups.isEmpty {
            groups.append(current)
        }
        let total = UInt64(groups.count)
        return groups.map { Nodes(requestID: requestID, total: total, records: $0) }
    }
}
