// SPDX-License-Identifier: Apache-2.0

extension RLP {
    /// The minimal big-endian bytes of an unsigned integer; zero gives no bytes.
    static func minimalBigEndianBytes<T: UnsignedInteger & FixedWidthInteger>(of value: T) -> [UInt8] {
        let count = (T.bitWidth - value.leadingZeroBitCount + 7) / 8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for index in stride(from: count - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (index * 8)))
        }
        return bytes
    }

    /// Reads a minimal big-endian unsigned integer from a byte-string payload.
    ///
    /// - Parameters:
    ///   - payload: The payload bytes, without header.
    ///   - type: The integer type to produce.
    ///   - offset: The payload's offset for error reports, if known.
    static func decodeUnsigned<T: UnsignedInteger & FixedWidthInteger>(
        _ payload: ArraySlice<UInt8>,
        as type: T.Type,
        offset: Int?
    ) throws(RLPError) -> T {
        let maximumCount = T.bitWidth / 8
        guard payload.count <= maximumCount else {
            throw .integerOverflow(offset: offset, byteCount: payload.count, maximum: maximumCount)
        }
        guard payload.first != 0 else {
            throw .leadingZeroInteger(offset: offset)
        }
        var value: T = 0
        for byte in payload {
            // `<<` is a smart shift: for a one-byte T it yields 0 rather than trapping, and the count check
            // above guarantees no set bit is shifted out.
            value = (value << 8) | T(byte)
        }
        return value
    }
}
