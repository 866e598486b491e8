// SPDX-License-Identifier: Apache-2.0

/// Minimal RLP writing for message data: strings, integers, raw items and list headers.
enum RLPWriter {
    /// Appends a byte string.
    static func appendBytes(_ bytes: some Collection<UInt8>, to buffer: inout [UInt8]) {
        if bytes.count == 1, let byte = bytes.first, byte < 0x80 {
            buffer.append(byte)
            return
        }
        appendHeader(payloadLength: bytes.count, offset: 0x80, to: &buffer)
        buffer.append(contentsOf: bytes)
    }

    /// Appends an unsigned integer in minimal big-endian form.
    static func appendUInt(_ value: UInt64, to buffer: inout [UInt8]) {
        var bytes: [UInt8] = []
        var remaining = value
        while remaining > 0 {
            bytes.insert(UInt8(truncatingIfNeeded: remaining), at: 0)
            remaining >>= 8
        }
        appendBytes(bytes, to: &buffer)
    }

    /// Appends a list: header then the already encoded elements.
    static func appendList(payload: [UInt8], to buffer: inout [UInt8]) {
        appendHeader(payloadLength: payload.count, offset: 0xc0, to: &buffer)
        buffer.append(contentsOf: payload)
    }

    /// The size of a string or list header for a payload of `length` bytes.
    static func headerSize(payloadLength length: Int) -> Int {
        if length <= 55 { return 1 }
        return 1 + (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
    }

    /// The encoded size of a byte string of `count` bytes (not a single byte below 0x80).
    static func encodedSize(ofBytes count: Int) -> Int {
        headerSize(payloadLength: count) + count
    }

    private static func appendHeader(payloadLength length: Int, offset: UInt8, to buffer: inout [UInt8]) {
        if length <= 55 {
            buffer.append(offset + UInt8(length))
            return
        }
        let lengthBytes = (Int.bitWidth - length.leadingZeroBitCount + 7) / 8
        buffer.append(offset + 55 + UInt8(lengthBytes))
        for index in stride(from: lengthBytes - 1, through: 0, by: -1) {
            buffer.append(UInt8(truncatingIfNeeded: length >> (8 * index)))
        }
    }
}
