// SPDX-License-Identifier: Apache-2.0

/// A decoded RLP value: a byte string or a list of values.
///
/// Build one and pass it to ``RLP/encode(_:)``, or get one from ``RLP/decode(_:maxDepth:)``:
///
/// ```swift
/// let ping: RLPItem = .list([.bytes(requestID), .uint(enrSeq)])
/// ```
public enum RLPItem: Hashable, Sendable {
    /// A byte string.
    case bytes([UInt8])
    /// A list of items.
    case list([RLPItem])

    /// Makes a byte string holding an unsigned integer in minimal big-endian form.
    ///
    /// Zero becomes the empty string, which encodes as `0x80`.
    ///
    /// - Parameters:
    ///   - value: The integer.
    /// - Returns: A ``bytes(_:)`` item without leading zero bytes.
    public static func uint(_ value: some UnsignedInteger & FixedWidthInteger) -> RLPItem {
        .bytes(RLP.minimalBigEndianBytes(of: value))
    }

    /// Makes a byte string holding a string's UTF-8 bytes.
    ///
    /// - Parameters:
    ///   - string: The string.
    public init(_ string: String) {
        self = .bytes(Array(string.utf8))
    }

    /// The bytes of a byte string, or `nil` for a list.
    public var bytesValue: [UInt8]? {
        switch self {
        case .bytes(let bytes): bytes
        case .list: nil
        }
    }

    /// The elements of a list, or `nil` for a byte string.
    public var listValue: [RLPItem]? {
        switch self {
        case .bytes: nil
        case .list(let elements): elements
        }
    }

    /// Reads the item as an unsigned integer of at most 64 bits.
    ///
    /// - Returns: The integer.
    /// - Throws: ``RLPError`` with code ``RLPError/Code/expectedBytes`` for a list,
    ///   ``RLPError/Code/leadingZeroInteger`` if the first byte is zero, or ``RLPError/Code/integerOverflow``
    ///   for more than eight bytes.
    public func uint64Value() throws(RLPError) -> UInt64 {
        try self.uintValue(as: UInt64.self)
    }

    /// Reads the item as an unsigned integer of the given type.
    ///
    /// The encoding must be minimal: the empty string is zero and a non-empty string may not start with a
    /// zero byte.
    ///
    /// - Parameters:
    ///   - type: The integer type to read.
    /// - Returns: The integer.
    /// - Throws: ``RLPError`` with code ``RLPError/Code/expectedBytes`` for a list,
    ///   ``RLPError/Code/leadingZeroInteger`` if the first byte is zero, or ``RLPError/Code/integerOverflow``
    ///   if the value does not fit in `type`.
    public func uintValue<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type) throws(RLPError) -> T {
        switch self {
        case .bytes(let bytes):
            return try RLP.decodeUnsigned(bytes[...], as: type, offset: nil)
        case .list:
            throw .expectedBytes(offset: nil)
        }
    }
}
