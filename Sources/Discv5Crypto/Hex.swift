// SPDX-License-Identifier: Apache-2.0

/// Hexadecimal encoding of byte strings, as used by the spec vectors and the CLI.
public enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hexadecimal, two characters per byte, without a prefix.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to encode.
    /// - Returns: The lowercase hex string (empty for no bytes).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let count = bytes.count * 2
        return String(unsafeUninitializedCapacity: count) { output in
            var index = 0
            for byte in bytes {
                output[index] = digits[Int(byte >> 4)]
                output[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return count
        }
    }

    /// Decodes a hexadecimal string.
    ///
    /// Accepts upper- and lowercase digits and an optional `0x`/`0X` prefix. Whitespace is not
    /// accepted.
    ///
    /// - Parameters:
    ///   - string: The hex text.
    /// - Returns: The decoded bytes.
    /// - Throws: ``CryptoError/Code/invalidHex`` for an odd number of digits or a non-hex character.
    public static func decode(_ string: String) throws(CryptoError) -> [UInt8] {
        var utf8 = Substring(string).utf8[...]
        if utf8.count >= 2, utf8.first == UInt8(ascii: "0"),
            utf8.dropFirst().first == UInt8(ascii: "x") || utf8.dropFirst().first == UInt8(ascii: "X")
        {
            utf8 = utf8.dropFirst(2)
        }
        guard utf8.count.isMultiple(of: 2) else {
            throw .invalidHex("odd number of hex digits (\(utf8.count))")
        }
        var result = [UInt8]()
        result.reserveCapacity(utf8.count / 2)
        var high: UInt8? = nil
        for character in utf8 {
            guard let nibble = nibble(character) else {
                throw .invalidHex("non-hex character")
            }
            if let first = high {
                result.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return result
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
