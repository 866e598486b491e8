// SPDX-License-Identifier: Apache-2.0

/// A `Data` response to a ``GetDataRequest``.
///
/// The wire format is one of (see ``GetData``):
/// - `0x01 || value_length: u16 || value`: the value itself, at most ``GetData/maximumInlineValueLength`` bytes;
/// - `0x02 || connection_id: u16 || length: u64`: the value follows over uTP;
/// - `0x03`: no value is stored under the key;
/// - `0x04`: the value exists but is too large to answer inline and the responder cannot start
///   another uTP transfer to this requester right now (its connection limit is reached); ask again later.
///
/// The type is called `GetDataResponse`, not `Data`, so that it never shadows Foundation's `Data`.
public enum GetDataResponse: Hashable, Sendable {
    /// The value itself, at most ``GetData/maximumInlineValueLength`` bytes.
    case inline([UInt8])
    /// The value is served over a uTP stream.
    ///
    /// - `id`: the uTP connection id (sent big-endian); the responder's send id.
    /// - `length`: the value's exact size; the reader stops there and treats fewer bytes as a short transfer.
    case connection(id: UInt16, length: UInt64)
    /// No value is stored under the key.
    case notFound
    /// The responder is busy: the value needs a uTP transfer and no connection slot is free for
    /// this requester right now. The requester may retry later.
    case busy

    /// The length of the encoding of an inline value of `length` bytes.
    static let inlineHeaderLength = 3
    /// The length of a `connection` response.
    static let connectionLength = 11

    /// Makes an inline response, checking the size limit.
    ///
    /// - Parameters:
    ///   - value: The value, at most ``GetData/maximumInlineValueLength`` bytes.
    /// - Returns: `.inline(value)`.
    /// - Throws: ``TalkGetDataError`` with code `inlineValueTooLong` when the value is too long to
    ///   answer inline; hand it off to uTP with ``connection(id:length:)`` instead.
    public static func checkedInline(_ value: [UInt8]) throws(TalkGetDataError) -> GetDataResponse {
        guard value.count <= GetData.maximumInlineValueLength else {
            throw .inlineValueTooLong(value.count, offset: nil)
        }
        return .inline(value)
    }

    /// Decodes a response from a TALKRESP payload.
    ///
    /// - Parameters:
    ///   - bytes: The whole payload.
    /// - Throws: ``TalkGetDataError`` with code `truncated`, `trailingBytes`, `unknownTag` or
    ///   `inlineValueTooLong`.
    public init(decoding bytes: some Collection<UInt8>) throws(TalkGetDataError) {
        let bytes = Array(bytes)
        guard let tag = bytes.first else {
            throw .truncated(offset: 0, needed: 1, available: 0)
        }
        switch tag {
        case GetData.Tag.inline:
            guard bytes.count >= Self.inlineHeaderLength else {
                throw .truncated(offset: 1, needed: 2, available: bytes.count - 1)
            }
            let length = Int(bytes[1]) << 8 | Int(bytes[2])
            guard length <= GetData.maximumInlineValueLength else {
                throw .inlineValueTooLong(length, offset: 1)
            }
            let available = bytes.count - Self.inlineHeaderLength
            guard available >= length else {
                throw .truncated(offset: Self.inlineHeaderLength, needed: length, available: available)
            }
            guard available == length else {
                throw .trailingBytes(offset: Self.inlineHeaderLength + length, count: available - length)
            }
            self = .inline(Array(bytes[Self.inlineHeaderLength...]))
        case GetData.Tag.connection:
            guard bytes.count >= Self.connectionLength else {
                throw .truncated(offset: 1, needed: Self.connectionLength - 1, available: bytes.count - 1)
            }
            guard bytes.count == Self.connectionLength else {
                throw .trailingBytes(offset: Self.connectionLength, count: bytes.count - Self.connectionLength)
            }
            let id = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
            var length: UInt64 = 0
            for byte in bytes[3..<Self.connectionLength] {
                length = length << 8 | UInt64(byte)
            }
            self = .connection(id: id, length: length)
        case GetData.Tag.notFound:
            guard bytes.count == 1 else {
                throw .trailingBytes(offset: 1, count: bytes.count - 1)
            }
            self = .notFound
        case GetData.Tag.busy:
            guard bytes.count == 1 else {
                throw .trailingBytes(offset: 1, count: bytes.count - 1)
            }
            self = .busy
        default:
            throw .unknownTag(tag, expected: "a Data response")
        }
    }

    /// The TALKRESP payload for this response.
    ///
    /// - Returns: The encoding described in ``GetData``.
    /// - Throws: ``TalkGetDataError`` with code `inlineValueTooLong` for an `.inline` value longer
    ///   than ``GetData/maximumInlineValueLength``.
    public func encoded() throws(TalkGetDataError) -> [UInt8] {
        switch self {
        case .inline(let value):
            guard value.count <= GetData.maximumInlineValueLength else {
                throw .inlineValueTooLong(value.count, offset: nil)
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(Self.inlineHeaderLength + value.count)
            bytes.append(GetData.Tag.inline)
            bytes.append(UInt8(truncatingIfNeeded: value.count >> 8))
            bytes.append(UInt8(truncatingIfNeeded: value.count))
            bytes.append(contentsOf: value)
            return bytes
        case .connection(let id, let length):
            var bytes: [UInt8] = [GetData.Tag.connection, UInt8(id >> 8), UInt8(truncatingIfNeeded: id)]
            bytes.reserveCapacity(Self.connectionLength)
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
            }
            return bytes
        case .notFound:
            return [GetData.Tag.notFound]
        case .busy:
            return [GetData.Tag.busy]
        }
    }
}
