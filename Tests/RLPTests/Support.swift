// SPDX-License-Identifier: Apache-2.0

import RLP

extension Array where Element == UInt8 {
    /// Minimal big-endian bytes of a non-negative decimal number of any size; `nil` on bad input.
    init?(decimal text: Substring) {
        var bytes: [UInt8] = []  // big-endian, no leading zeros
        for character in text {
            guard let digit = character.wholeNumberValue, character.isASCII else {
                return nil
            }
            // bytes = bytes * 10 + digit
            var carry = digit
            for index in bytes.indices.reversed() {
                let product = Int(bytes[index]) * 10 + carry
                bytes[index] = UInt8(product & 0xff)
                carry = product >> 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xff), at: 0)
                carry >>= 8
            }
        }
        self = bytes
    }

    var hexString: String {
        self.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// Encodes `depth` lists nested inside each other around an empty list, built inside-out in linear time.
func nestedListEncoding(depth: Int) -> [UInt8] {
    var reversed: [UInt8] = [0xc0]
    for _ in 1..<depth {
        let payloadLength = reversed.count
        if payloadLength <= 55 {
            reversed.append(0xc0 + UInt8(payloadLength))
        } else {
            var lengthBytes: [UInt8] = []
            var remaining = payloadLength
            while remaining > 0 {
                lengthBytes.append(UInt8(remaining & 0xff))
                remaining >>= 8
            }
            reversed.append(contentsOf: lengthBytes)  // little-endian here, big-endian once reversed
            reversed.append(0xf7 + UInt8(lengthBytes.count))
        }
    }
    return reversed.reversed()
}

/// Builds the item `depth` lists deep that ``nestedListEncoding(depth:)`` encodes.
func nestedListItem(depth: Int) -> RLPItem {
    var item: RLPItem = .list([])
    for _ in 1..<depth {
        item = .list([item])
    }
    return item
}
