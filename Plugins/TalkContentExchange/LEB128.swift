// SPDX-License-Identifier: Apache-2.0

/// Unsigned LEB128 as the Portal uTP framing uses it: 7 bits per byte, least significant group
/// first, high bit set on every byte but the last, values limited to `uint32`.
enum LEB128 {
    /// The most bytes a `UInt32` takes: ⌈32 / 7⌉ = 5.
    static let maximumLength = 5

    /// Appends the shortest encoding of `value`.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - bytes: The output.
    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// The outcome of feeding one byte to a ``Reader``.
    enum Step: Equatable {
        /// More bytes are needed.
        case needMore
        /// The value is complete.
        case done(UInt32)
    }

    /// An incremental, strict decoder: one byte at a time, so a prefix may span chunk boundaries.
    struct Reader {
        private var value: UInt32 = 0
        private var count = 0

        /// Whether some bytes of a value have been read but not its last one.
        var isMidValue: Bool { self.count > 0 }

        /// Feeds one byte.
        ///
        /// - Parameters:
        ///   - byte: The next byte.
        ///   - offset: Its position in the stream, for errors.
        /// - Returns: Whether the value is complete.
        /// - Throws: `lengthPrefixOverflow` past 5 bytes or 32 bits; `nonMinimalLengthPrefix` when
        ///   a multi-byte value ends with a zero group.
        mutating func feed(_ byte: UInt8, offset: Int) throws(TalkContentExchangeError) -> Step {
            let group = UInt32(byte & 0x7F)
            let shift = UInt32(7 * self.count)
            // The fifth byte holds bits 28–31 only: anything above 0x0F, or a continuation bit,
            // is a value beyond uint32 or a prefix longer than 5 bytes.
            if self.count == LEB128.maximumLength - 1, byte > 0x0F {
                throw .make(.lengthPrefixOverflow, offset: offset, "length prefix exceeds uint32 or 5 bytes")
            }
            self.value |= group << shift
            self.count += 1
            guard byte & 0x80 == 0 else {
                return .needMore
            }
            if self.count > 1, byte == 0 {
                throw .make(
                    .nonMinimalLengthPrefix,
                    offset: offset,
                    "length prefix ends with a redundant zero group"
                )
            }
            let value = self.value
            self = Reader()
            return .done(value)
        }
    }
}
