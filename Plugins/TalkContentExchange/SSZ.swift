// SPDX-License-Identifier: Apache-2.0

/// The few pieces of SSZ (consensus-specs `ssz/simple-serialize.md`) the Portal messages need:
/// 4-byte little-endian offsets, `ByteList[N]`, `List[ByteList[N], L]` and a container whose only
/// variable-size field comes last.
///
/// Decoders work on `ArraySlice`s of the whole message, so slice indices are offsets into the
/// message and errors can report where they happened. They never allocate more than the input
/// holds: element counts are checked against their limit before anything is collected.
enum SSZ {
    /// The size of an SSZ offset (`BYTES_PER_LENGTH_OFFSET`).
    static let offsetSize = 4

    /// Appends a 4-byte little-endian offset.
    ///
    /// - Parameters:
    ///   - value: The offset; always small here (messages are bounded well below 2^32).
    ///   - bytes: The output.
    static func appendOffset(_ value: Int, to bytes: inout [UInt8]) {
        let value = UInt32(truncatingIfNeeded: value)
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Reads the 4-byte little-endian offset at `index`; the caller has checked that 4 bytes are there.
    ///
    /// - Parameters:
    ///   - bytes: The input.
    ///   - index: The index of the offset's first byte.
    /// - Returns: The offset.
    static func readOffset(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        Int(bytes[index]) | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2]) << 16 | Int(bytes[index + 3]) << 24
    }

    /// The variable-size tail of a container whose fixed part is `fixedSize` bytes and ends with
    /// the single offset of its only variable-size field.
    ///
    /// - Parameters:
    ///   - bytes: The container's serialization.
    ///   - fixedSize: The size of its fixed part, offset included.
    /// - Returns: The variable field's bytes (to the end of `bytes`).
    /// - Throws: `truncated` or `invalidOffset` (the offset must equal `fixedSize`).
    static func variableTail(
        of bytes: ArraySlice<UInt8>,
        fixedSize: Int
    ) throws(TalkContentExchangeError) -> ArraySlice<UInt8> {
        guard bytes.count >= fixedSize else {
            throw .truncated(offset: bytes.startIndex, needed: fixedSize, available: bytes.count)
        }
        let offsetIndex = bytes.startIndex + fixedSize - Self.offsetSize
        let offset = Self.readOffset(bytes, at: offsetIndex)
        guard offset == fixedSize else {
            throw .invalidOffset(
                offset: offsetIndex,
                "the variable field's offset is \(offset), but the fixed part ends at \(fixedSize)"
            )
        }
        return bytes[(bytes.startIndex + fixedSize)...]
    }

    /// Checks a `ByteList[limit]`, which is serialized as its bytes alone.
    ///
    /// - Parameters:
    ///   - bytes: The serialization.
    ///   - limit: The list's maximum length.
    /// - Returns: The bytes.
    /// - Throws: `byteListTooLong`.
    static func byteList(_ bytes: ArraySlice<UInt8>, limit: Int) throws(TalkContentExchangeError) -> [UInt8] {
        guard bytes.count <= limit else {
            throw .byteListTooLong(offset: bytes.startIndex, length: bytes.count, limit: limit)
        }
        return Array(bytes)
    }

    /// Appends a `List[ByteList[_], _]`: one offset per element, then the elements.
    ///
    /// - Parameters:
    ///   - lists: The elements, already checked against their limits.
    ///   - bytes: The output.
    static func appendByteLists(_ lists: [[UInt8]], to bytes: inout [UInt8]) {
        var offset = lists.count * Self.offsetSize
        for list in lists {
            Self.appendOffset(offset, to: &bytes)
            offset += list.count
        }
        for list in lists {
            bytes.append(contentsOf: list)
        }
    }

    /// Decodes a `List[ByteList[maximumLength], limit]` that spans all of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The serialization.
    ///   - limit: The maximum number of elements.
    ///   - maximumLength: The maximum length of each element.
    /// - Returns: The elements.
    /// - Throws: `truncated`, `invalidOffset`, `tooManyElements` or `byteListTooLong`.
    static func byteLists(
        _ bytes: ArraySlice<UInt8>,
        limit: Int,
        maximumLength: Int
    ) throws(TalkContentExchangeError) -> [[UInt8]] {
        guard !bytes.isEmpty else {
            return []
        }
        let start = bytes.startIndex
        guard bytes.count >= Self.offsetSize else {
            throw .truncated(offset: start, needed: Self.offsetSize, available: bytes.count)
        }
        // The first offset is where the offsets end, so it fixes the element count.
        let first = Self.readOffset(bytes, at: start)
        guard first >= Self.offsetSize, first % Self.offsetSize == 0 else {
            throw .invalidOffset(offset: start, "the first offset \(first) is not a positive multiple of 4")
        }
        guard first <= bytes.count else {
            throw .invalidOffset(offset: start, "the first offset \(first) points past the end (\(bytes.count))")
        }
        let count = first / Self.offsetSize
        guard count <= limit else {
            throw .tooManyElements(offset: start, count: count, limit: limit)
        }
        var elements: [[UInt8]] = []
        elements.reserveCapacity(count)
        var elementStart = first
        for index in 0..<count {
            let elementEnd: Int
            if index + 1 < count {
                let offsetIndex = start + (index + 1) * Self.offsetSize
                elementEnd = Self.readOffset(bytes, at: offsetIndex)
                guard elementEnd >= elementStart, elementEnd <= bytes.count else {
                    throw .invalidOffset(
                        offset: offsetIndex,
                        "offset \(elementEnd) is before the previous one (\(elementStart)) or past the end"
                    )
                }
            } else {
                elementEnd = bytes.count
            }
            elements.append(
                try Self.byteList(bytes[(start + elementStart)..<(start + elementEnd)], limit: maximumLength)
            )
            elementStart = elementEnd
        }
        return elements
    }
}
