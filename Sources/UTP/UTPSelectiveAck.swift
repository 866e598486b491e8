// SPDX-License-Identifier: Apache-2.0

/// The selective-ACK extension (extension type 1) of BEP 29.
///
/// Bit `i` (least significant bit first within each byte, bytes in wire order) acknowledges
/// sequence number `ack_nr + 2 + i`; `ack_nr + 1` is implied missing.
///
/// The bitmask is stored inline (no heap allocation). At most
/// ``maximumStoredByteCount`` bytes are kept; longer masks received from a peer are truncated,
/// which only drops advisory information.
public struct UTPSelectiveAck: Hashable, Sendable {
    /// The longest bitmask kept when decoding: 32 bytes (256 packets past `ack_nr + 1`). BEP 29
    /// sets no limit; libutp and libtorrent send at most a few dozen bytes.
    public static let maximumStoredByteCount = 32

    /// The bitmask length we send: 4 bytes, the only length BEP 29's examples and libutp use.
    public static let standardByteCount = 4

    /// The bitmask length in bytes (1 … ``maximumStoredByteCount``).
    public private(set) var byteCount: Int
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    /// Creates an all-zero bitmask.
    /// - Parameters:
    ///   - byteCount: The encoded length in bytes, 1 … ``maximumStoredByteCount``.
    public init(byteCount: Int = UTPSelectiveAck.standardByteCount) {
        precondition((1...Self.maximumStoredByteCount).contains(byteCount), "selective ACK length out of range")
        self.byteCount = byteCount
    }

    /// Creates a bitmask from wire bytes; bytes past ``maximumStoredByteCount`` are ignored.
    /// - Parameters:
    ///   - bytes: The bitmask bytes in wire order; must not be empty.
    public init(bytes: some Collection<UInt8>) {
        precondition(!bytes.isEmpty, "selective ACK needs at least one byte")
        self.init(byteCount: min(bytes.count, Self.maximumStoredByteCount))
        var index = 0
        for byte in bytes.prefix(Self.maximumStoredByteCount) {
            self.setByte(byte, at: index)
            index += 1
        }
    }

    /// The number of bits the mask covers (`byteCount × 8`).
    public var bitCount: Int { self.byteCount * 8 }

    /// Whether no bit is set.
    public var isEmpty: Bool { (self.w0 | self.w1 | self.w2 | self.w3) == 0 }

    /// The number of set bits.
    public var setBitCount: Int {
        self.w0.nonzeroBitCount + self.w1.nonzeroBitCount + self.w2.nonzeroBitCount + self.w3.nonzeroBitCount
    }

    /// Reads or writes bit `index`, which acknowledges `ack_nr + 2 + index`.
    /// - Parameters:
    ///   - index: 0 ..< ``bitCount``.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < self.bitCount, "selective ACK bit out of range")
            return (self.word(index >> 6) >> UInt64(index & 63)) & 1 == 1
        }
        set {
            precondition(index >= 0 && index < self.bitCount, "selective ACK bit out of range")
            let mask = UInt64(1) << UInt64(index & 63)
            var word = self.word(index >> 6)
            if newValue { word |= mask } else { word &= ~mask }
            self.setWord(word, at: index >> 6)
        }
    }

    /// The byte at `index` in wire order.
    /// - Parameters:
    ///   - index: 0 ..< ``byteCount``.
    public func byte(at index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: self.word(index >> 3) >> UInt64((index & 7) * 8))
    }

    /// The bitmask as wire bytes.
    public var bytes: [UInt8] {
        (0..<self.byteCount).map { self.byte(at: $0) }
    }

    private mutating func setByte(_ byte: UInt8, at index: Int) {
        let shift = UInt64((index & 7) * 8)
        var word = self.word(index >> 3)
        word &= ~(UInt64(0xFF) << shift)
        word |= UInt64(byte) << shift
        self.setWord(word, at: index >> 3)
    }

    private func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: return self.w0
        case 1: return self.w1
        case 2: return self.w2
        default: return self.w3
        }
    }

    private mutating func setWord(_ value: UInt64, at index: Int) {
        switch index {
        case 0: self.w0 = value
        case 1: self.w1 = value
        case 2: self.w2 = value
        default: self.w3 = value
        }
    }
}
