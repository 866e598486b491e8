// SPDX-License-Identifier: Apache-2.0

/// The framing of content items on a uTP stream: `LEB128(length) || item` for each item.
///
/// portal-wire-protocol.md ("Length prefixing for uTP transfers", "Content Encoding"): every
/// content item sent over uTP, whether the single item answering a FindContent or the up to 64
/// accepted items of an Offer, is prefixed with its length as an unsigned LEB128 varint, limited
/// to `uint32`. Items follow each other with nothing in between; the writer closes the stream
/// after the last one. Read with ``ContentStreamDecoder``.
public enum ContentStreamFraming {
    /// The length prefix for an item of `length` bytes, for a writer that streams the item itself.
    ///
    /// - Parameters:
    ///   - length: The item's size in bytes, at most `UInt32.max`.
    /// - Returns: The shortest LEB128 encoding of `length` (1 to 5 bytes).
    /// - Throws: ``TalkContentExchangeError`` with code `itemTooLarge` above `UInt32.max`.
    public static func lengthPrefix(for length: UInt64) throws(TalkContentExchangeError) -> [UInt8] {
        guard length <= ContentExchange.maximumFramedItemLength else {
            throw .make(.itemTooLarge, offset: nil, "an item of \(length) bytes cannot be framed (limit uint32)")
        }
        var bytes: [UInt8] = []
        LEB128.append(UInt32(length), to: &bytes)
        return bytes
    }

    /// Frames items for one stream.
    ///
    /// - Parameters:
    ///   - items: The items, in order.
    /// - Returns: `LEB128(len(item₀)) || item₀ || LEB128(len(item₁)) || item₁ || …`.
    /// - Throws: ``TalkContentExchangeError`` with code `itemTooLarge` for an item over `UInt32.max` bytes.
    public static func encode(_ items: [[UInt8]]) throws(TalkContentExchangeError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.reduce(0) { $0 + $1.count + LEB128.maximumLength })
        for item in items {
            bytes.append(contentsOf: try Self.lengthPrefix(for: UInt64(item.count)))
            bytes.append(contentsOf: item)
        }
        return bytes
    }
}
