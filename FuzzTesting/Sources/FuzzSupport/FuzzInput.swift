// SPDX-License-Identifier: Apache-2.0

/// The fuzzer's bytes read as a program: opcodes and their arguments, front to back.
///
/// Every read succeeds; past the end it yields zeros (or nothing), so any input is a valid
/// program and the harness never needs to special-case a short one.
public struct FuzzInput {
    private let bytes: [UInt8]
    private var position = 0

    /// Wraps libFuzzer's input.
    ///
    /// - Parameters:
    ///   - start: The input's first byte.
    ///   - count: Its length.
    public init(_ start: UnsafePointer<UInt8>?, _ count: Int) {
        self.bytes = Array(UnsafeBufferPointer(start: start, count: count))
    }

    /// Whether every byte was read.
    public var isAtEnd: Bool { position >= bytes.count }

    /// The next byte, or 0 past the end.
    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next two bytes, big-endian.
    public mutating func uint16() -> UInt16 {
        UInt16(byte()) << 8 | UInt16(byte())
    }

    /// The next four bytes, big-endian.
    public mutating func uint32() -> UInt32 {
        UInt32(uint16()) << 16 | UInt32(uint16())
    }

    /// The next bit of a byte, as a flag.
    public mutating func bool() -> Bool {
        byte() & 1 == 1
    }

    /// Up to `count` next bytes (fewer at the end).
    public mutating func bytes(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, position + max(0, count))
        defer { position = max(position, end) }
        return position < end ? Array(bytes[position..<end]) : []
    }

    /// A length byte, then that many bytes.
    public mutating func lengthPrefixedBytes() -> [UInt8] {
        bytes(Int(byte()))
    }
}
