// SPDX-License-Identifier: Apache-2.0

/// An incremental reader of a ``ContentStreamFraming`` stream: feed the bytes as they arrive, in
/// chunks of any size, and get each content item once it is complete.
///
/// The decoder is strict. It refuses a length prefix longer than 5 bytes or beyond `uint32`
/// (the spec's limit), a prefix not in its shortest form, an item longer than the configured
/// maximum (as soon as its prefix is read, before any of it is buffered), and more items than
/// expected. At the end of the stream, ``finish()`` reports a stream that stops inside a prefix
/// or an item, or before the expected number of items. After an error the decoder stays failed.
///
/// Memory is bounded by the configured maximum item length: an item's buffer grows only with the
/// bytes actually received.
///
/// ```swift
/// var decoder = ContentStreamDecoder(maximumItemLength: 1 << 20, expectedItemCount: accept.acceptedIndices.count)
/// for try await chunk in stream { items += try decoder.feed(chunk) }
/// try decoder.finish()
/// ```
public struct ContentStreamDecoder: Sendable {
    private enum State: Sendable {
        case readingLength(LEB128.Reader)
        case readingItem(buffer: [UInt8], remaining: Int)
        case failed(TalkContentExchangeError)
    }

    /// The largest item accepted, in bytes.
    public let maximumItemLength: Int

    /// The exact number of items the stream must carry, or `nil` for any number.
    public let expectedItemCount: Int?

    /// The number of complete items returned so far.
    public private(set) var itemCount = 0

    /// The number of stream bytes consumed so far.
    public private(set) var position = 0

    private var state: State = .readingLength(LEB128.Reader())

    /// Initial capacity of an item buffer; it grows with what arrives, never beyond the item's length.
    private static let initialBufferCapacity = 64 * 1024

    /// Makes a decoder for one stream.
    ///
    /// - Parameters:
    ///   - maximumItemLength: The largest item accepted, in bytes (for example
    ///     ``ContentExchangeConfiguration/maximumStreamItemLength``).
    ///   - expectedItemCount: The number of items the stream must carry (1 after a FindContent, the
    ///     number of accepted keys after an Offer), or `nil` to accept any number.
    public init(maximumItemLength: Int, expectedItemCount: Int? = nil) {
        self.maximumItemLength = max(0, maximumItemLength)
        self.expectedItemCount = expectedItemCount.map { max(0, $0) }
    }

    /// Consumes the next chunk of the stream.
    ///
    /// - Parameters:
    ///   - chunk: The bytes, of any length (an item or a prefix may continue in the next chunk).
    /// - Returns: The items completed by this chunk, in stream order.
    /// - Throws: ``TalkContentExchangeError`` with code `lengthPrefixOverflow`,
    ///   `nonMinimalLengthPrefix`, `itemTooLarge` or `tooManyItems`; the decoder then stays failed.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(TalkContentExchangeError) -> [[UInt8]] {
        var items: [[UInt8]] = []
        var index = chunk.startIndex
        while index != chunk.endIndex {
            switch self.state {
            case .failed(let error):
                throw error
            case .readingLength(var reader):
                if !reader.isMidValue, let expected = self.expectedItemCount, self.itemCount >= expected {
                    throw self.fail(
                        .make(.tooManyItems, offset: self.position, "the stream carries more than \(expected) item(s)")
                    )
                }
                let step: LEB128.Step
                do {
                    step = try reader.feed(chunk[index], offset: self.position)
                } catch {
                    throw self.fail(error)
                }
                index = chunk.index(after: index)
                self.position += 1
                switch step {
                case .needMore:
                    self.state = .readingLength(reader)
                case .done(let length):
                    guard UInt64(length) <= UInt64(self.maximumItemLength) else {
                        throw self.fail(
                            .make(
                                .itemTooLarge,
                                offset: self.position,
                                "an item of \(length) bytes exceeds the maximum \(self.maximumItemLength)"
                            )
                        )
                    }
                    if length == 0 {
                        items.append([])
                        self.itemCount += 1
                        self.state = .readingLength(LEB128.Reader())
                    } else {
                        var buffer: [UInt8] = []
                        buffer.reserveCapacity(min(Int(length), Self.initialBufferCapacity))
                        self.state = .readingItem(buffer: buffer, remaining: Int(length))
                    }
                }
            case .readingItem(var buffer, let remaining):
                // Release the buffer from `state` before appending, so it is not copied.
                self.state = .readingLength(LEB128.Reader())
                let available = chunk.distance(from: index, to: chunk.endIndex)
                let take = min(available, remaining)
                let end = chunk.index(index, offsetBy: take)
                buffer.append(contentsOf: chunk[index..<end])
                index = end
                self.position += take
                if take == remaining {
                    items.append(buffer)
                    self.itemCount += 1
                } else {
                    self.state = .readingItem(buffer: buffer, remaining: remaining - take)
                }
            }
        }
        return items
    }

    /// Declares the end of the stream and checks that it ended cleanly.
    ///
    /// - Throws: ``TalkContentExchangeError`` with code `truncated` when the stream stops inside a
    ///   length prefix or an item, or carries fewer items than expected; or the error the decoder
    ///   failed with earlier.
    public mutating func finish() throws(TalkContentExchangeError) {
        switch self.state {
        case .failed(let error):
            throw error
        case .readingLength(let reader):
            if reader.isMidValue {
                throw self.fail(.make(.truncated, offset: self.position, "the stream ends inside a length prefix"))
            }
            if let expected = self.expectedItemCount, self.itemCount < expected {
                throw self.fail(
                    .make(
                        .truncated,
                        offset: self.position,
                        "the stream ends after \(self.itemCount) of \(expected) item(s)"
                    )
                )
            }
        case .readingItem(_, let remaining):
            throw self.fail(
                .truncated(offset: self.position, needed: remaining, available: 0)
            )
        }
    }

    /// Decodes a whole stream held in memory.
    ///
    /// - Parameters:
    ///   - bytes: The complete stream.
    ///   - maximumItemLength: The largest item accepted.
    ///   - expectedItemCount: The number of items the stream must carry, or `nil`.
    /// - Returns: The items.
    /// - Throws: Any error of ``feed(_:)`` or ``finish()``.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        maximumItemLength: Int,
        expectedItemCount: Int? = nil
    ) throws(TalkContentExchangeError) -> [[UInt8]] {
        var decoder = ContentStreamDecoder(maximumItemLength: maximumItemLength, expectedItemCount: expectedItemCount)
        let items = try decoder.feed(bytes)
        try decoder.finish()
        return items
    }

    private mutating func fail(_ error: TalkContentExchangeError) -> TalkContentExchangeError {
        self.state = .failed(error)
        return error
    }
}
