// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto

/// A 256-bit node identifier: for the "v4" identity scheme, `keccak256(x || y)` of the node's
/// uncompressed secp256k1 public key (EIP-778).
///
/// Held as four big-endian 64-bit words so that XOR distance and comparisons are cheap; the
/// routing table compares identifiers on every lookup step.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The identifier's size in bytes.
    public static let byteCount = 32

    /// The four 64-bit words, most significant first.
    public let words: (UInt64, UInt64, UInt64, UInt64)

    /// Creates an identifier from its four big-endian words.
    /// - Parameter words: the words, most significant first.
    public init(words: (UInt64, UInt64, UInt64, UInt64)) {
        self.words = words
    }

    /// Creates an identifier from 32 bytes.
    /// - Parameter bytes: exactly 32 bytes.
    /// - Returns: `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        // Locals, not an array: this runs for every packet's source id.
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for (index, byte) in bytes.enumerated() {
            switch index >> 3 {
            case 0: words.0 = words.0 << 8 | UInt64(byte)
            case 1: words.1 = words.1 << 8 | UInt64(byte)
            case 2: words.2 = words.2 << 8 | UInt64(byte)
            default: words.3 = words.3 << 8 | UInt64(byte)
            }
        }
        self.words = words
    }

    /// Parses 64 hex digits (an optional `0x` prefix is accepted).
    /// - Parameter hex: the identifier in hex.
    /// - Returns: `nil` when the text is not 32 bytes of hex.
    public init?(hex: String) {
        guard let bytes = try? Hex.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The identifier of a "v4" node: keccak256 of the 64-byte uncompressed public key.
    /// - Parameter publicKey: the node's secp256k1 public key.
    public init(publicKey: Secp256k1.PublicKey) {
        // A 32-byte digest always makes a valid identifier.
        self.init(bytes: Keccak256.hash(publicKey.rawXY))!
    }

    /// The 32 bytes, most significant first.
    public var bytes: [UInt8] {
        let bigEndian = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
        return withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    /// Appends the 32 big-endian bytes to `buffer` without building an intermediate array (packet
    /// headers carry the source id in every packet).
    ///
    /// - Parameters:
    ///   - buffer: Where the bytes go.
    public func append(to buffer: inout [UInt8]) {
        let bigEndian = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
        withUnsafeBytes(of: bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Lowercase hex without prefix.
    public var hexString: String { Hex.encode(bytes) }

    public var description: String { hexString }

    /// The XOR distance to another identifier, as an identifier-sized number.
    /// - Parameter other: the other identifier.
    /// - Returns: `self XOR other`.
    public func distance(to other: NodeID) -> NodeID {
        NodeID(
            words: (
                words.0 ^ other.words.0, words.1 ^ other.words.1,
                words.2 ^ other.words.2, words.3 ^ other.words.3
            )
        )
    }

    /// The logarithmic distance: the bit length of `self XOR other`, from 0 (the same
    /// identifier) to 256. This is the `distance` of discv5's FINDNODE.
    /// - Parameter other: the other identifier.
    /// - Returns: a value in `0...256`.
    public func logDistance(to other: NodeID) -> Int {
        let xor = distance(to: other).words
        if xor.0 != 0 { return 256 - xor.0.leadingZeroBitCount }
        if xor.1 != 0 { return 192 - xor.1.leadingZeroBitCount }
        if xor.2 != 0 { return 128 - xor.2.leadingZeroBitCount }
        if xor.3 != 0 { return 64 - xor.3.leadingZeroBitCount }
        return 0
    }

    public static func == (lhs: NodeID, rhs: NodeID) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Orders identifiers as 256-bit unsigned numbers.
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        if lhs.words.0 != rhs.words.0 { return lhs.words.0 < rhs.words.0 }
        if lhs.words.1 != rhs.words.1 { return lhs.words.1 < rhs.words.1 }
        if lhs.words.2 != rhs.words.2 { return lhs.words.2 < rhs.words.2 }
        return lhs.words.3 < rhs.words.3
    }
}
