// SPDX-License-Identifier: Apache-2.0

/// An offer of content this node holds (Portal `Offer`, selector `0x06`).
///
/// SSZ: `Container(content_keys: List[ByteList[2048], limit=64])`. The receiver answers with an
/// ``Accept`` carrying one ``AcceptCode`` per key; the offering node then writes the accepted
/// items, in offer order, over uTP (see ``ContentStreamFraming``).
public struct Offer: Hashable, Sendable {
    /// The offered content keys: at most ``ContentExchange/maximumOfferedKeys``, each at most
    /// ``ContentExchange/maximumContentKeyLength`` bytes.
    public let contentKeys: [[UInt8]]

    /// Makes an offer.
    ///
    /// - Parameters:
    ///   - contentKeys: The offered keys: at most 64, each at most 2048 bytes.
    /// - Throws: ``TalkContentExchangeError`` with code `tooManyElements` or `byteListTooLong`.
    public init(contentKeys: [[UInt8]]) throws(TalkContentExchangeError) {
        guard contentKeys.count <= ContentExchange.maximumOfferedKeys else {
            throw .tooManyElements(
                offset: nil,
                count: contentKeys.count,
                limit: ContentExchange.maximumOfferedKeys
            )
        }
        for key in contentKeys where key.count > ContentExchange.maximumContentKeyLength {
            throw .byteListTooLong(offset: nil, length: key.count, limit: ContentExchange.maximumContentKeyLength)
        }
        self.contentKeys = contentKeys
    }

    /// Decodes the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The container's serialization (after the message selector).
    init(ssz bytes: ArraySlice<UInt8>) throws(TalkContentExchangeError) {
        let list = try SSZ.variableTail(of: bytes, fixedSize: SSZ.offsetSize)
        self.contentKeys = try SSZ.byteLists(
            list,
            limit: ContentExchange.maximumOfferedKeys,
            maximumLength: ContentExchange.maximumContentKeyLength
        )
    }

    /// Appends the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The output.
    func appendSSZ(to bytes: inout [UInt8]) {
        SSZ.appendOffset(SSZ.offsetSize, to: &bytes)
        SSZ.appendByteLists(self.contentKeys, to: &bytes)
    }
}
