// SPDX-License-Identifier: Apache-2.0

/// A `GetData` request: the key of the value asked for.
///
/// The wire format is `0x00 || key_length: u8 || key`; see ``GetData``.
public struct GetDataRequest: Hashable, Sendable {
    /// The key, 1 to ``GetData/maximumKeyLength`` bytes.
    public let key: [UInt8]

    /// Makes a request for a key.
    ///
    /// - Parameters:
    ///   - key: The key, 1 to ``GetData/maximumKeyLength`` bytes.
    /// - Throws: ``TalkGetDataError`` with code `invalidKeyLength` when the key is empty or too long.
    public init(key: [UInt8]) throws(TalkGetDataError) {
        guard (1...GetData.maximumKeyLength).contains(key.count) else {
            throw .invalidKeyLength(key.count, offset: nil)
        }
        self.key = key
    }

    /// Decodes a request from a TALKREQ payload.
    ///
    /// - Parameters:
    ///   - bytes: The whole payload.
    /// - Throws: ``TalkGetDataError`` with code `truncated`, `trailingBytes`, `unknownTag` or
    ///   `invalidKeyLength`.
    public init(decoding bytes: some Collection<UInt8>) throws(TalkGetDataError) {
        let bytes = Array(bytes)
        guard bytes.count >= 2 else {
            if let tag = bytes.first, tag != GetData.Tag.getData {
                throw .unknownTag(tag, expected: "a GetData request")
            }
            throw .truncated(offset: bytes.count, needed: 2, available: bytes.count)
        }
        guard bytes[0] == GetData.Tag.getData else {
            throw .unknownTag(bytes[0], expected: "a GetData request")
        }
        let length = Int(bytes[1])
        guard length > 0 else {
            throw .invalidKeyLength(0, offset: 1)
        }
        let available = bytes.count - 2
        guard available >= length else {
            throw .truncated(offset: 2, needed: length, available: available)
        }
        guard available == length else {
            throw .trailingBytes(offset: 2 + length, count: available - length)
        }
        self.key = Array(bytes[2...])
    }

    /// The TALKREQ payload for this request.
    ///
    /// - Returns: `0x00 || key_length || key`.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 + self.key.count)
        bytes.append(GetData.Tag.getData)
        bytes.append(UInt8(self.key.count))
        bytes.append(contentsOf: self.key)
        return bytes
    }
}
