// SPDX-License-Identifier: Apache-2.0

/// A request for the content under a key (Portal `FindContent`, selector `0x04`).
///
/// SSZ: `Container(content_key: ByteList[2048])`.
public struct FindContent: Hashable, Sendable {
    /// The encoded content key, at most ``ContentExchange/maximumContentKeyLength`` bytes.
    public let contentKey: [UInt8]

    /// Makes a request.
    ///
    /// - Parameters:
    ///   - contentKey: The encoded content key, at most ``ContentExchange/maximumContentKeyLength`` bytes.
    /// - Throws: ``TalkContentExchangeError`` with code `byteListTooLong` for a longer key.
    public init(contentKey: [UInt8]) throws(TalkContentExchangeError) {
        guard contentKey.count <= ContentExchange.maximumContentKeyLength else {
            throw .byteListTooLong(
                offset: nil,
                length: contentKey.count,
                limit: ContentExchange.maximumContentKeyLength
            )
        }
        self.contentKey = contentKey
    }

    /// Decodes the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The container's serialization (after the message selector).
    init(ssz bytes: ArraySlice<UInt8>) throws(TalkContentExchangeError) {
        let key = try SSZ.variableTail(of: bytes, fixedSize: SSZ.offsetSize)
        self.contentKey = try SSZ.byteList(key, limit: ContentExchange.maximumContentKeyLength)
    }

    /// Appends the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The output.
    func appendSSZ(to bytes: inout [UInt8]) {
        SSZ.appendOffset(SSZ.offsetSize, to: &bytes)
        bytes.append(contentsOf: self.contentKey)
    }
}
