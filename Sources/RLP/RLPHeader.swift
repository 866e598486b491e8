// SPDX-License-Identifier: Apache-2.0

/// The prefix of one encoded item, checked for canonical form and bounds.
///
/// Every decoding path (tree decoder, validator, ``RLPReader``) goes through ``parse(_:at:limit:insideList:origin:)``,
/// so the strictness rules live in exactly one place. Indices are indices of the slice being parsed.
struct RLPHeader {
    /// Whether the item is a list (prefix `0xc0…0xff`) rather than a byte string.
    var isList: Bool
    /// Index of the prefix byte, which is the first byte of the item's encoding.
    var start: Int
    /// Index of the first payload byte. For a single byte below `0x80` this equals ``start``.
    var payloadStart: Int
    /// Index one past the last payload byte, which is also one past the item's encoding.
    var payloadEnd: Int

    /// The payload byte range.
    var payload: Range<Int> { self.payloadStart..<self.payloadEnd }

    /// The whole encoding's byte range, prefix included.
    var encoded: Range<Int> { self.start..<self.payloadEnd }

    /// Parses the item header at `position`.
    ///
    /// The item must end at or before `limit`. When `limit` is the end of an enclosing list, falling short is
    /// ``RLPError/Code/elementOverrunsList``; otherwise it is ``RLPError/Code/truncated``. No arithmetic here can overflow: lengths are compared against
    /// the bytes that are left before anything is added to an index.
    ///
    /// - Parameters:
    ///   - bytes: The input.
    ///   - position: Index of the prefix byte; `bytes.startIndex <= position <= limit`.
    ///   - limit: Index the item may not reach past; `limit <= bytes.endIndex`.
    ///   - insideList: Whether `limit` is the end of an enclosing list's payload.
    ///   - origin: Index that error offsets are measured from.
    static func parse(
        _ bytes: ArraySlice<UInt8>,
        at position: Int,
        limit: Int,
        insideList: Bool,
        origin: Int
    ) throws(RLPError) -> RLPHeader {
        func shortfall(_ needed: Int, _ available: Int) -> RLPError {
            insideList
                ? .elementOverrunsList(offset: position - origin, needed: needed, available: available)
                : .truncated(offset: position - origin, needed: needed, available: available)
        }

        guard position < limit else {
            throw shortfall(1, 0)
        }
        let prefix = bytes[position]
        let afterPrefix = position + 1
        let remaining = limit - afterPrefix

        switch prefix {
        case 0x00...0x7f:
            return RLPHeader(isList: false, start: position, payloadStart: position, payloadEnd: afterPrefix)

        case 0x80...0xb7, 0xc0...0xf7:
            let isList = prefix >= 0xc0
            let length = Int(prefix - (isList ? 0xc0 : 0x80))
            guard length <= remaining else {
                throw shortfall(length, remaining)
            }
            if !isList && length == 1 && bytes[afterPrefix] < 0x80 {
                throw .nonCanonicalSingleByte(offset: position - origin, value: bytes[afterPrefix])
            }
            return RLPHeader(
                isList: isList,
                start: position,
                payloadStart: afterPrefix,
                payloadEnd: afterPrefix + length
            )

        default:
            // Long form: 0xb8…0xbf (strings) or 0xf8…0xff (lists); the low bits give the length of the
            // big-endian length field, 1…8 bytes, so the field always fits in a UInt64.
            let isList = prefix >= 0xf8
            let lengthOfLength = Int(prefix - (isList ? 0xf7 : 0xb7))
            guard lengthOfLength <= remaining else {
                throw shortfall(lengthOfLength, remaining)
            }
            guard bytes[afterPrefix] != 0 else {
                throw .nonCanonicalLength(offset: position - origin, reason: "length field starts with a zero byte")
            }
            var length: UInt64 = 0
            for index in afterPrefix..<(afterPrefix + lengthOfLength) {
                length = (length << 8) | UInt64(bytes[index])
            }
            guard length <= UInt64(Int.max) else {
                throw .lengthOverflow(offset: position - origin, length: length)
            }
            guard length > UInt64(RLP.maximumShortLength) else {
                throw .nonCanonicalLength(
                    offset: position - origin,
                    reason: "long form used for length \(length), which fits the short form"
                )
            }
            let payloadStart = afterPrefix + lengthOfLength
            let available = limit - payloadStart
            guard length <= UInt64(available) else {
                throw shortfall(Int(length), available)
            }
            return RLPHeader(
                isList: isList,
                start: position,
                payloadStart: payloadStart,
                payloadEnd: payloadStart + Int(length)
            )
        }
    }
}
