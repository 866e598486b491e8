// SPDX-License-Identifier: Apache-2.0

import TalkContentExchange
import TestSupport
import Testing

private func streamError(
    _ chunks: [[UInt8]],
    maximumItemLength: Int = 1 << 20,
    expectedItemCount: Int? = nil
) -> TalkContentExchangeError.Code? {
    var decoder = ContentStreamDecoder(maximumItemLength: maximumItemLength, expectedItemCount: expectedItemCount)
    do {
        for chunk in chunks { _ = try decoder.feed(chunk) }
        try decoder.finish()
        return nil
    } catch {
        return error.code
    }
}

@Suite("uTP stream framing: LEB128(len) || item")
struct ContentStreamFramingTests {
    @Test func lengthPrefixesAreShortestLEB128() throws {
        #expect(try ContentStreamFraming.lengthPrefix(for: 0) == [0x00])
        #expect(try ContentStreamFraming.lengthPrefix(for: 127) == [0x7F])
        #expect(try ContentStreamFraming.lengthPrefix(for: 128) == [0x80, 0x01])
        #expect(try ContentStreamFraming.lengthPrefix(for: 300) == [0xAC, 0x02])
        #expect(try ContentStreamFraming.lengthPrefix(for: 16_384) == [0x80, 0x80, 0x01])
        #expect(try ContentStreamFraming.lengthPrefix(for: UInt64(UInt32.max)) == [0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
    }

    @Test func rejectsFramingAnItemLongerThanUInt32() {
        let error = #expect(throws: TalkContentExchangeError.self) {
            try ContentStreamFraming.lengthPrefix(for: UInt64(UInt32.max) + 1)
        }
        #expect(error?.code == .itemTooLarge)
    }

    @Test func encodesItemsBackToBack() throws {
        let stream = try ContentStreamFraming.encode([[0xAA, 0xBB], [], Array(repeating: 0x11, count: 130)])
        #expect(Array(stream.prefix(5)) == [0x02, 0xAA, 0xBB, 0x00, 0x82])
        #expect(stream[5] == 0x01)
        #expect(stream.count == 3 + 1 + 2 + 130)
    }

    @Test func decodesItemsFedOneByteAtATime() throws {
        let items: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 0x42, count: 300), [9]]
        let stream = try ContentStreamFraming.encode(items)
        var decoder = ContentStreamDecoder(maximumItemLength: 1000, expectedItemCount: items.count)
        var decoded: [[UInt8]] = []
        for byte in stream {
            decoded += try decoder.feed([byte])
        }
        try decoder.finish()
        #expect(decoded == items)
        #expect(decoder.itemCount == items.count)
        #expect(decoder.position == stream.count)
    }

    @Test func decodesItemsSplitAtArbitraryChunkBoundaries() throws {
        var generator = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<300 {
            let items = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                generator.bytes(count: Int.random(in: 0...400, using: &generator))
            }
            let stream = try ContentStreamFraming.encode(items)
            var decoder = ContentStreamDecoder(maximumItemLength: 400, expectedItemCount: items.count)
            var decoded: [[UInt8]] = []
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + Int.random(in: 0...150, using: &generator))
                decoded += try decoder.feed(stream[index..<end])
                index = end
            }
            try decoder.finish()
            #expect(decoded == items)
        }
    }

    @Test func detectsTruncatedFinalItemAtEndOfStream() throws {
        let stream = try ContentStreamFraming.encode([[1, 2, 3], [4, 5, 6, 7]])
        #expect(streamError([Array(stream.dropLast())]) == .truncated)
        // Stopping inside a multi-byte length prefix.
        #expect(streamError([[0x80]]) == .truncated)
        // Stopping between items when more were expected.
        #expect(streamError([[0x01, 0xAA]], expectedItemCount: 2) == .truncated)
        // An empty stream is fine when nothing is expected, truncated when one item is.
        #expect(streamError([]) == nil)
        #expect(streamError([], expectedItemCount: 1) == .truncated)
    }

    @Test func rejectsAnItemLargerThanTheConfiguredMaximumBeforeBufferingIt() {
        #expect(streamError([[0x0A] + Array(repeating: 0, count: 10)], maximumItemLength: 10) == nil)
        var decoder = ContentStreamDecoder(maximumItemLength: 10)
        let error = #expect(throws: TalkContentExchangeError.self) { try decoder.feed([0x0B]) }
        #expect(error?.code == .itemTooLarge)
        // A 4 GiB claim is refused from its prefix alone.
        #expect(streamError([[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]]) == .itemTooLarge)
    }

    @Test func rejectsMoreItemsThanExpected() {
        #expect(streamError([[0x01, 0xAA, 0x01, 0xBB]], expectedItemCount: 1) == .tooManyItems)
    }

    @Test func acceptsFiveBytePrefixUpToUInt32MaxAndRejectsSixBytes() {
        #expect(streamError([[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]], maximumItemLength: Int.max) == .truncated)
        #expect(streamError([[0xFF, 0xFF, 0xFF, 0xFF, 0x10]], maximumItemLength: Int.max) == .lengthPrefixOverflow)
        #expect(
            streamError([[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]], maximumItemLength: Int.max) == .lengthPrefixOverflow
        )
    }

    @Test func rejectsNonMinimalLengthPrefixes() {
        #expect(streamError([[0x81, 0x00, 0xAA]]) == .nonMinimalLengthPrefix)
        #expect(streamError([[0x80, 0x00]]) == .nonMinimalLengthPrefix)
        #expect(streamError([[0x80, 0x80, 0x80, 0x80, 0x00]]) == .nonMinimalLengthPrefix)
    }

    @Test func staysFailedAfterAnError() {
        var decoder = ContentStreamDecoder(maximumItemLength: 1)
        #expect(throws: TalkContentExchangeError.self) { try decoder.feed([0x05]) }
        let again = #expect(throws: TalkContentExchangeError.self) { try decoder.feed([0x00]) }
        #expect(again?.code == .itemTooLarge)
        #expect(throws: TalkContentExchangeError.self) { try decoder.finish() }
    }

    @Test func wholeStreamHelperMatchesTheIncrementalDecoder() throws {
        let items: [[UInt8]] = [[1], [2, 2], [3, 3, 3]]
        let stream = try ContentStreamFraming.encode(items)
        #expect(try ContentStreamDecoder.decode(stream, maximumItemLength: 3, expectedItemCount: 3) == items)
    }

    @Test func randomStreamsNeverTrap() {
        var generator = SplitMix64(seed: 0xF00D)
        for _ in 0..<5_000 {
            var decoder = ContentStreamDecoder(
                maximumItemLength: Int.random(in: 0...512, using: &generator),
                expectedItemCount: Bool.random(using: &generator) ? Int.random(in: 0...4, using: &generator) : nil
            )
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                _ = try? decoder.feed(generator.bytes(count: Int.random(in: 0...64, using: &generator)))
            }
            try? decoder.finish()
        }
    }
}
