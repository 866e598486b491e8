// SPDX-License-Identifier: Apache-2.0

/// Strict Recursive Length Prefix encoding, as specified in the Ethereum Yellow Paper, appendix B.
///
/// Encoding always produces the canonical form. Decoding accepts only the canonical form: every
/// alternative spelling of a value (a single byte wrapped in a string header, a long-form length that
/// would fit the short form, a length with leading zero bytes) is rejected, so that
/// `RLP.encode(try RLP.decode(bytes)) == bytes` holds for every input that decodes.
///
/// Decoding hostile input never traps, never recurses and allocates no more than a constant factor of
/// the input size. For hot paths that need no ``RLPItem`` tree, use ``RLPReader``.
public enum RLP {
    /// The default limit on nested lists, used by ``decode(_:maxDepth:)`` and friends.
    ///
    /// A list at the top level has depth 1, a list inside it depth 2, and so on; byte strings add no depth.
    /// No Discovery v5 structure nests deeper than 3, so 64 leaves generous room while bounding the
    /// work and the size of the recursive ``RLPItem`` values a peer can make us build.
    public static let defaultMaximumDepth: Int = 64

    /// The longest payload whose length fits in the prefix byte itself (`0x80 + n`, `0xc0 + n`).
    ///
    /// Longer payloads use the long form, a prefix giving the length of a big-endian length field
    /// (Yellow Paper, appendix B). A long form for a length up to this value is non-canonical.
    public static let maximumShortLength: Int = 55

    // MARK: Encoding

    /// Encodes an item in canonical form.
    ///
    /// - Parameters:
    ///   - item: The item to encode.
    /// - Returns: The encoding.
    public static func encode(_ item: RLPItem) -> [UInt8] {
        var buffer: [UInt8] = []
        self.encode(item, into: &buffer)
        return buffer
    }

    /// Appends the canonical encoding of an item to a buffer.
    ///
    /// - Parameters:
    ///   - item: The item to encode.
    ///   - buffer: The buffer to append to; its existing contents are kept.
    public static func encode(_ item: RLPItem, into buffer: inout [UInt8]) {
        switch item {
        case .bytes(let bytes):
            self.reserve(self.encodedLength(ofBytes: bytes), in: &buffer)
            self.appendBytes(bytes, to: &buffer)
        case .list:
            // Two passes keep the work linear in the size of the tree: the first records every list's
            // payload length in pre-order, the second writes headers and payloads using them.
            var payloadLengths: [Int] = []
            let total = self.measure(item, payloadLengths: &payloadLengths)
            self.reserve(total, in: &buffer)
            var cursor = 0
            self.write(item, payloadLengths: payloadLengths, cursor: &cursor, into: &buffer)
        }
    }

    /// Makes room for `count` more bytes, growing geometrically: reserving exactly `count + n` on every call
    /// would reallocate on every call when a caller appends many small items to one buffer.
    private static func reserve(_ count: Int, in buffer: inout [UInt8]) {
        let needed = buffer.count + count
        if needed > buffer.capacity {
            buffer.reserveCapacity(Swift.max(needed, 2 * buffer.capacity))
        }
    }

    /// The number of bytes an encoded string of this payload takes.
    private static func encodedLength(ofBytes bytes: [UInt8]) -> Int {
        if bytes.count == 1 && bytes[0] < 0x80 {
            return 1
        }
        return self.headerLength(payloadLength: bytes.count) + bytes.count
    }

    /// The number of bytes of the header announcing a payload of this length.
    private static func headerLength(payloadLength: Int) -> Int {
        if payloadLength <= self.maximumShortLength {
            return 1
        }
        return 1 + self.byteCount(of: UInt64(payloadLength))
    }

    /// The number of bytes of a value's minimal big-endian form.
    private static func byteCount(of value: UInt64) -> Int {
        (UInt64.bitWidth - value.leadingZeroBitCount + 7) / 8
    }

    /// Returns the encoded length of `item`, appending the payload length of every list in pre-order.
    private static func measure(_ item: RLPItem, payloadLengths: inout [Int]) -> Int {
        switch item {
        case .bytes(let bytes):
            return self.encodedLength(ofBytes: bytes)
        case .list(let elements):
            let slot = payloadLengths.count
            payloadLengths.append(0)
            var payloadLength = 0
            for element in elements {
                payloadLength += self.measure(element, payloadLengths: &payloadLengths)
            }
            payloadLengths[slot] = payloadLength
            return self.headerLength(payloadLength: payloadLength) + payloadLength
        }
    }

    private static func write(
        _ item: RLPItem,
        payloadLengths: [Int],
        cursor: inout Int,
        into buffer: inout [UInt8]
    ) {
        switch item {
        case .bytes(let bytes):
            self.appendBytes(bytes, to: &buffer)
        case .list(let elements):
            self.appendHeader(shortBase: 0xc0, payloadLength: payloadLengths[cursor], to: &buffer)
            cursor += 1
            for element in elements {
                self.write(element, payloadLengths: payloadLengths, cursor: &cursor, into: &buffer)
            }
        }
    }

    private static func appendBytes(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        if bytes.count == 1 && bytes[0] < 0x80 {
            buffer.append(bytes[0])
        } else {
            self.appendHeader(shortBase: 0x80, payloadLength: bytes.count, to: &buffer)
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends a header; `shortBase` is `0x80` for strings and `0xc0` for lists. The long-form base is
    /// `shortBase + 55`, followed by the length in minimal big-endian form.
    private static func appendHeader(shortBase: UInt8, payloadLength: Int, to buffer: inout [UInt8]) {
        if payloadLength <= self.maximumShortLength {
            buffer.append(shortBase + UInt8(payloadLength))
            return
        }
        let length = UInt64(payloadLength)
        let count = self.byteCount(of: length)
        buffer.append(shortBase + UInt8(self.maximumShortLength) + UInt8(count))
        for shift in stride(from: (count - 1) * 8, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
        }
    }

    // MARK: Decoding

    /// Decodes exactly one item that spans the whole input.
    ///
    /// - Parameters:
    ///   - bytes: The encoding. Bytes after the item are an error (``RLPError/Code/trailingBytes``).
    ///   - maxDepth: The deepest list nesting accepted; see ``defaultMaximumDepth``. Must not be negative.
    ///     Decoding itself never recurses, but comparing, hashing and releasing an ``RLPItem`` do, one stack
    ///     frame per level, so raise this only for trusted input.
    /// - Returns: The decoded item.
    /// - Throws: ``RLPError`` if the input is not exactly one canonical item.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        maxDepth: Int = RLP.defaultMaximumDepth
    ) throws(RLPError) -> RLPItem {
        let input = self.slice(bytes)
        let (item, end) = try self.decodeItem(
            input,
            at: input.startIndex,
            limit: input.endIndex,
            insideList: false,
            origin: input.startIndex,
            maxDepth: maxDepth
        )
        guard end == input.endIndex else {
            throw .trailingBytes(offset: end - input.startIndex, count: input.endIndex - end)
        }
        return item
    }

    /// Decodes one item at the start of the input and reports how many bytes it took.
    ///
    /// Use this for inputs that carry more after the item, such as a stream or a prefix followed by other data.
    ///
    /// - Parameters:
    ///   - bytes: The input; the item starts at its first byte.
    ///   - maxDepth: The deepest list nesting accepted; see ``defaultMaximumDepth``. Must not be negative.
    ///     Raise it only for trusted input, for the reason given at ``decode(_:maxDepth:)``.
    /// - Returns: The item and the number of bytes of its encoding.
    /// - Throws: ``RLPError`` if the input does not start with a canonical item.
    public static func decodePrefix(
        _ bytes: some Collection<UInt8>,
        maxDepth: Int = RLP.defaultMaximumDepth
    ) throws(RLPError) -> (item: RLPItem, consumed: Int) {
        let input = self.slice(bytes)
        let (item, end) = try self.decodeItem(
            input,
            at: input.startIndex,
            limit: input.endIndex,
            insideList: false,
            origin: input.startIndex,
            maxDepth: maxDepth
        )
        return (item, end - input.startIndex)
    }

    /// Views the input as an array slice, copying only when it is not already an array or a slice of one.
    private static func slice(_ bytes: some Collection<UInt8>) -> ArraySlice<UInt8> {
        if let slice = bytes as? ArraySlice<UInt8> {
            return slice
        }
        if let array = bytes as? [UInt8] {
            return array[...]
        }
        return ArraySlice(bytes)
    }

    /// Decodes the item at `position` into a tree, iteratively.
    ///
    /// An explicit stack of open lists replaces recursion, so the machine stack stays flat whatever the
    /// input. Each byte string copies its own payload and each item takes at least one input byte, so
    /// the tree is at most a constant factor larger than the input.
    ///
    /// - Returns: The item and the index one past its encoding.
    static func decodeItem(
        _ bytes: ArraySlice<UInt8>,
        at position: Int,
        limit: Int,
        insideList: Bool,
        origin: Int,
        maxDepth: Int
    ) throws(RLPError) -> (RLPItem, Int) {
        precondition(maxDepth >= 0, "maxDepth must not be negative")

        /// A list whose elements are still being read.
        struct OpenList {
            var end: Int
            var elements: [RLPItem]
        }
        var open: [OpenList] = []
        var position = position

        while true {
            let header = try RLPHeader.parse(
                bytes,
                at: position,
                limit: open.last?.end ?? limit,
                insideList: insideList || !open.isEmpty,
                origin: origin
            )
            var item: RLPItem
            if header.isList {
                guard open.count < maxDepth else {
                    throw .tooDeep(offset: position - origin, maximumDepth: maxDepth)
                }
                if header.payloadStart < header.payloadEnd {
                    open.append(OpenList(end: header.payloadEnd, elements: []))
                    position = header.payloadStart
                    continue
                }
                item = .list([])
            } else {
                item = .bytes(Array(bytes[header.payload]))
            }
            position = header.payloadEnd

            // Hand the finished item to its list; close every list that it completes.
            while true {
                guard var parent = open.popLast() else {
                    return (item, position)
                }
                parent.elements.append(item)
                if position < parent.end {
                    open.append(parent)
                    break
                }
                item = .list(parent.elements)
            }
        }
    }

    /// Checks the item at `position` completely, without building anything but a stack of list ends.
    ///
    /// - Returns: The index one past the item's encoding.
    static func validateItem(
        _ bytes: ArraySlice<UInt8>,
        at position: Int,
        limit: Int,
        insideList: Bool,
        origin: Int,
        maxDepth: Int
    ) throws(RLPError) -> Int {
        precondition(maxDepth >= 0, "maxDepth must not be negative")

        var openEnds: [Int] = []
        var position = position
        while true {
            let header = try RLPHeader.parse(
                bytes,
                at: position,
                limit: openEnds.last ?? limit,
                insideList: insideList || !openEnds.isEmpty,
                origin: origin
            )
            if header.isList {
                guard openEnds.count < maxDepth else {
                    throw .tooDeep(offset: position - origin, maximumDepth: maxDepth)
                }
                if header.payloadStart < header.payloadEnd {
                    openEnds.append(header.payloadEnd)
                    position = header.payloadStart
                    continue
                }
            }
            position = header.payloadEnd
            while let end = openEnds.last, position == end {
                openEnds.removeLast()
            }
            if openEnds.isEmpty {
                return position
            }
        }
    }
}
