// SPDX-License-Identifier: Apache-2.0

/// A zero-copy, forward-only reader over a sequence of encoded items.
///
/// A reader walks the items between two positions of a byte buffer: at first the whole input, after
/// ``enterList()`` the payload of one list. It builds no ``RLPItem`` tree; byte strings come back as slices
/// that share the input's storage, and ``readRawItem(maxDepth:)`` gives an item's full encoding byte for byte,
/// which is what a record format needs to keep values it does not understand.
///
/// Every header is checked with the same strict rules as ``RLP/decode(_:maxDepth:)``. Reading an ENR:
///
/// ```swift
/// var outer = RLPReader(bytes)
/// var record = try outer.enterList()
/// try outer.expectEnd()
/// let signature = try record.readBytes()
/// let sequence = try record.readUInt64()
/// while !record.isAtEnd {
///     let key = try record.readBytes()
///     let value = try record.readRawItem()
/// }
/// ```
///
/// Error offsets count from the start of the buffer the outermost reader was made with.
public struct RLPReader: Sendable {
    /// One item's position, found by reading its header only.
    public struct Element: Sendable, Hashable {
        /// Whether an item is a byte string or a list.
        public enum Kind: Sendable, Hashable {
            /// A byte string.
            case bytes
            /// A list.
            case list
        }

        /// Whether the item is a byte string or a list.
        public let kind: Kind
        /// The payload: a string's bytes or a list's encoded elements. Shares the input's storage; its
        /// indices are those of the input.
        public let payload: ArraySlice<UInt8>
        /// The item's complete encoding, header included. Shares the input's storage.
        public let encoded: ArraySlice<UInt8>
    }

    /// The whole input; only `position..<end` is this reader's to read.
    private let bytes: ArraySlice<UInt8>
    /// Index that error offsets are measured from.
    private let origin: Int
    /// Index one past this reader's last byte: the input's end, or the end of the list being read.
    private let end: Int
    /// Whether this reader reads a list's payload, so that overrunning `end` means overrunning the list.
    private let insideList: Bool
    /// Index of the next item's first byte.
    private var position: Int

    /// Makes a reader over a whole buffer.
    ///
    /// - Parameters:
    ///   - bytes: The encoded items, back to back.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.origin = bytes.startIndex
        self.end = bytes.endIndex
        self.insideList = false
        self.position = bytes.startIndex
    }

    /// Makes a reader over a whole buffer.
    ///
    /// - Parameters:
    ///   - bytes: The encoded items, back to back.
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    private init(bytes: ArraySlice<UInt8>, origin: Int, range: Range<Int>) {
        self.bytes = bytes
        self.origin = origin
        self.end = range.upperBound
        self.insideList = true
        self.position = range.lowerBound
    }

    /// Whether every item has been read.
    public var isAtEnd: Bool { self.position == self.end }

    /// The offset of the next item, counted from the start of the outermost reader's buffer.
    public var offset: Int { self.position - self.origin }

    /// The bytes not read yet. Shares the input's storage.
    public var remainingBytes: ArraySlice<UInt8> { self.bytes[self.position..<self.end] }

    /// Throws unless every item has been read.
    ///
    /// - Throws: ``RLPError`` with code ``RLPError/Code/trailingBytes``.
    public func expectEnd() throws(RLPError) {
        guard self.isAtEnd else {
            throw .trailingBytes(offset: self.offset, count: self.end - self.position)
        }
    }

    /// Reads the next item's header, without checking a list's contents, and moves past the item.
    ///
    /// - Returns: The item's kind, payload and full encoding.
    /// - Throws: ``RLPError`` if no canonical header is next or the item does not fit in this reader.
    public mutating func readElement() throws(RLPError) -> Element {
        let header = try self.peekHeader()
        self.position = header.payloadEnd
        return Element(
            kind: header.isList ? .list : .bytes,
            payload: self.bytes[header.payload],
            encoded: self.bytes[header.encoded]
        )
    }

    /// The kind of the next item, read from its header without moving.
    ///
    /// - Returns: `.bytes` or `.list`.
    /// - Throws: ``RLPError`` if no canonical header is next.
    public func peekKind() throws(RLPError) -> Element.Kind {
        try self.peekHeader().isList ? .list : .bytes
    }

    /// Reads the next item, which must be a byte string.
    ///
    /// - Returns: The string's bytes, sharing the input's storage.
    /// - Throws: ``RLPError``; ``RLPError/Code/expectedBytes`` if the item is a list (the reader then stays put).
    public mutating func readBytes() throws(RLPError) -> ArraySlice<UInt8> {
        let header = try self.peekHeader()
        guard !header.isList else {
            throw .expectedBytes(offset: self.offset)
        }
        self.position = header.payloadEnd
        return self.bytes[header.payload]
    }

    /// Reads the next item, which must be a list, and returns a reader over its elements.
    ///
    /// The list's contents are checked as they are read through the returned reader.
    ///
    /// - Returns: A reader over the list's payload.
    /// - Throws: ``RLPError``; ``RLPError/Code/expectedList`` if the item is a string (the reader then stays put).
    public mutating func enterList() throws(RLPError) -> RLPReader {
        let header = try self.peekHeader()
        guard header.isList else {
            throw .expectedList(offset: self.offset)
        }
        self.position = header.payloadEnd
        return RLPReader(bytes: self.bytes, origin: self.origin, range: header.payload)
    }

    /// Reads the next item as an unsigned integer of at most 64 bits.
    ///
    /// - Returns: The integer.
    /// - Throws: ``RLPError``: ``RLPError/Code/expectedBytes``, ``RLPError/Code/leadingZeroInteger`` or
    ///   ``RLPError/Code/integerOverflow`` besides header errors. The reader moves only on success.
    public mutating func readUInt64() throws(RLPError) -> UInt64 {
        try self.readUInt(as: UInt64.self)
    }

    /// Reads the next item as an unsigned integer in minimal big-endian form.
    ///
    /// - Parameters:
    ///   - type: The integer type to read.
    /// - Returns: The integer.
    /// - Throws: ``RLPError``: ``RLPError/Code/expectedBytes``, ``RLPError/Code/leadingZeroInteger`` or
    ///   ``RLPError/Code/integerOverflow`` besides header errors. The reader moves only on success.
    public mutating func readUInt<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type) throws(RLPError) -> T {
        let header = try self.peekHeader()
        guard !header.isList else {
            throw .expectedBytes(offset: self.offset)
        }
        let value = try RLP.decodeUnsigned(self.bytes[header.payload], as: type, offset: self.offset)
        self.position = header.payloadEnd
        return value
    }

    /// Reads the next item, checks it completely, and returns its full encoding.
    ///
    /// Unlike ``readElement()``, a list's contents are checked to any depth, so the bytes returned are
    /// always a canonical encoding that ``RLP/decode(_:maxDepth:)`` accepts.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest list nesting accepted inside the item; see ``RLP/defaultMaximumDepth``.
    /// - Returns: The item's encoding, header included, sharing the input's storage.
    /// - Throws: ``RLPError`` if the item is not canonical. The reader moves only on success.
    public mutating func readRawItem(maxDepth: Int = RLP.defaultMaximumDepth) throws(RLPError) -> ArraySlice<UInt8> {
        let start = self.position
        let itemEnd = try RLP.validateItem(
            self.bytes,
            at: start,
            limit: self.end,
            insideList: self.insideList,
            origin: self.origin,
            maxDepth: maxDepth
        )
        self.position = itemEnd
        return self.bytes[start..<itemEnd]
    }

    /// Reads the next item into an ``RLPItem`` tree.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest list nesting accepted inside the item; see ``RLP/defaultMaximumDepth``.
    /// - Returns: The decoded item.
    /// - Throws: ``RLPError`` if the item is not canonical. The reader moves only on success.
    public mutating func readItem(maxDepth: Int = RLP.defaultMaximumDepth) throws(RLPError) -> RLPItem {
        let (item, itemEnd) = try RLP.decodeItem(
            self.bytes,
            at: self.position,
            limit: self.end,
            insideList: self.insideList,
            origin: self.origin,
            maxDepth: maxDepth
        )
        self.position = itemEnd
        return item
    }

    /// Moves past the next item after checking it completely.
    ///
    /// - Parameters:
    ///   - maxDepth: The deepest list nesting accepted inside the item; see ``RLP/defaultMaximumDepth``.
    /// - Throws: ``RLPError`` if the item is not canonical. The reader moves only on success.
    public mutating func skipItem(maxDepth: Int = RLP.defaultMaximumDepth) throws(RLPError) {
        _ = try self.readRawItem(maxDepth: maxDepth)
    }

    private func peekHeader() throws(RLPError) -> RLPHeader {
        try RLPHeader.parse(
            self.bytes,
            at: self.position,
            limit: self.end,
            insideList: self.insideList,
            origin: self.origin
        )
    }
}
