// SPDX-License-Identifier: Apache-2.0

/// The answer to a ``FindContent`` (Portal `Content`, selector `0x05`).
///
/// SSZ: `Union[connection_id: Bytes2, content: ByteList[2048], enrs: List[ByteList[2048], 32]]`,
/// serialized as the union selector (0, 1 or 2) followed by the member's serialization.
public enum Content: Hashable, Sendable {
    /// The content follows over uTP on this connection id (union selector 0).
    ///
    /// The two `connection_id` bytes are read big-endian: `[0x01, 0x02]` is `0x0102`. The sender
    /// listens; the receiver opens the stream and reads one framed item (see ``ContentStreamFraming``).
    case connectionID(UInt16)
    /// The content itself, at most ``ContentExchange/maximumInlineContentLength`` bytes (union selector 1).
    case content([UInt8])
    /// The content is not held here; these RLP-encoded ENRs are closer to it (union selector 2).
    /// At most ``ContentExchange/maximumENRCount`` records of at most ``ContentExchange/maximumENRLength`` bytes.
    case enrs([[UInt8]])

    enum Selector {
        static let connectionID: UInt8 = 0
        static let content: UInt8 = 1
        static let enrs: UInt8 = 2
    }

    /// The size of a `Bytes2` connection id.
    static let connectionIDSize = 2

    /// Checks the SSZ limits of the value.
    ///
    /// - Throws: ``TalkContentExchangeError`` with code `byteListTooLong` or `tooManyElements`.
    public func validate() throws(TalkContentExchangeError) {
        switch self {
        case .connectionID:
            return
        case .content(let content):
            guard content.count <= ContentExchange.maximumInlineContentLength else {
                throw .byteListTooLong(
                    offset: nil,
                    length: content.count,
                    limit: ContentExchange.maximumInlineContentLength
                )
            }
        case .enrs(let records):
            guard records.count <= ContentExchange.maximumENRCount else {
                throw .tooManyElements(offset: nil, count: records.count, limit: ContentExchange.maximumENRCount)
            }
            for record in records where record.count > ContentExchange.maximumENRLength {
                throw .byteListTooLong(offset: nil, length: record.count, limit: ContentExchange.maximumENRLength)
            }
        }
    }

    /// Decodes the SSZ union.
    ///
    /// - Parameters:
    ///   - bytes: The union's serialization (after the message selector).
    init(ssz bytes: ArraySlice<UInt8>) throws(TalkContentExchangeError) {
        guard let selector = bytes.first else {
            throw .truncated(offset: bytes.startIndex, needed: 1, available: 0)
        }
        let value = bytes.dropFirst()
        switch selector {
        case Selector.connectionID:
            guard value.count >= Self.connectionIDSize else {
                throw .truncated(offset: value.startIndex, needed: Self.connectionIDSize, available: value.count)
            }
            guard value.count == Self.connectionIDSize else {
                throw .make(
                    .trailingBytes,
                    offset: value.startIndex + Self.connectionIDSize,
                    "\(value.count - Self.connectionIDSize) byte(s) follow the 2-byte connection_id"
                )
            }
            self = .connectionID(UInt16(value[value.startIndex]) << 8 | UInt16(value[value.startIndex + 1]))
        case Selector.content:
            self = .content(try SSZ.byteList(value, limit: ContentExchange.maximumInlineContentLength))
        case Selector.enrs:
            self = .enrs(
                try SSZ.byteLists(
                    value,
                    limit: ContentExchange.maximumENRCount,
                    maximumLength: ContentExchange.maximumENRLength
                )
            )
        default:
            throw .make(
                .invalidUnionSelector,
                offset: bytes.startIndex,
                "Content union selector \(selector) is not 0, 1 or 2"
            )
        }
    }

    /// Appends the SSZ union; the value has been validated.
    ///
    /// - Parameters:
    ///   - bytes: The output.
    func appendSSZ(to bytes: inout [UInt8]) {
        switch self {
        case .connectionID(let id):
            bytes.append(Selector.connectionID)
            bytes.append(UInt8(id >> 8))
            bytes.append(UInt8(truncatingIfNeeded: id))
        case .content(let content):
            bytes.append(Selector.content)
            bytes.append(contentsOf: content)
        case .enrs(let records):
            bytes.append(Selector.enrs)
            SSZ.appendByteLists(records, to: &bytes)
        }
    }
}
