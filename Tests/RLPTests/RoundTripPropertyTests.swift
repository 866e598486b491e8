// SPDX-License-Identifier: Apache-2.0

import RLP
import TestSupport
import Testing

/// Seeded random tests: the same seeds run every time, so any failure replays exactly.
@Suite("Round-trip properties")
struct RoundTripPropertyTests {
    /// Payload lengths that straddle the encoding's boundaries, mixed with uniformly drawn ones.
    private static let interestingLengths = [0, 1, 2, 54, 55, 56, 57, 255, 256, 257]

    /// Prefix bytes at or near the boundaries between the encoding's forms.
    private static let headerBytes: [UInt8] = [0x00, 0x7f, 0x80, 0x81, 0xb7, 0xb8, 0xb9, 0xc0, 0xc1, 0xc2, 0xf7, 0xf8]

    private static func randomBytes(using generator: inout SplitMix64) -> [UInt8] {
        let length: Int
        switch generator.next() % 4 {
        case 0: length = Self.interestingLengths.randomElement(using: &generator) ?? 0
        case 1: length = 1  // single bytes: both sides of 0x80
        default: length = Int(generator.next() % 40)
        }
        return (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// A random item with at most `depth` levels of lists and roughly `budget` nodes.
    private static func randomItem(depth: Int, budget: inout Int, using generator: inout SplitMix64) -> RLPItem {
        budget -= 1
        guard depth > 0, budget > 0, generator.next() % 3 == 0 else {
            return .bytes(Self.randomBytes(using: &generator))
        }
        let count = Int(generator.next() % 8)
        var elements: [RLPItem] = []
        for _ in 0..<count where budget > 0 {
            elements.append(Self.randomItem(depth: depth - 1, budget: &budget, using: &generator))
        }
        return .list(elements)
    }

    @Test("decode(encode(x)) == x for random nested items", arguments: [UInt64(1), 2, 3, 4])
    func encodeThenDecode(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<1_000 {
            var budget = 60
            let item = Self.randomItem(depth: 6, budget: &budget, using: &generator)
            let encoded = RLP.encode(item)
            #expect(try RLP.decode(encoded) == item)

            // The prefix decoder and the reader agree with the tree decoder, with junk appended.
            let extended = encoded + [0x01, 0x02]
            let prefix = try RLP.decodePrefix(extended)
            #expect(prefix.item == item)
            #expect(prefix.consumed == encoded.count)
            var reader = RLPReader(extended)
            #expect(try reader.readRawItem() == extended[0..<encoded.count])
            #expect(reader.remainingBytes == [0x01, 0x02])
        }
    }

    @Test("random bytes never trap, and whatever decodes is canonical", arguments: [UInt64(11), 12, 13, 14])
    func randomBytesNeverTrap(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var decoded = 0
        for _ in 0..<5_000 {
            let length = Int(generator.next() % 48)
            // Bias toward header bytes so that well-formed prefixes occur often enough to matter.
            let bytes = (0..<length).map { _ -> UInt8 in
                if generator.next() % 2 == 0, let header = Self.headerBytes.randomElement(using: &generator) {
                    return header
                }
                return UInt8.random(in: 0...255, using: &generator)
            }
            Self.checkStrict(bytes, decoded: &decoded)
        }
        // Guards against a generator that never produces a valid encoding, which would make this vacuous.
        #expect(decoded > 25)
    }

    @Test("mutated valid encodings never trap, and whatever decodes is canonical", arguments: [UInt64(21), 22])
    func mutatedEncodingsNeverTrap(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        var decoded = 0
        for _ in 0..<2_000 {
            var budget = 30
            var bytes = RLP.encode(Self.randomItem(depth: 4, budget: &budget, using: &generator))
            switch generator.next() % 3 {
            case 0 where !bytes.isEmpty:
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            case 1 where !bytes.isEmpty:
                bytes.removeLast(Int(generator.next() % UInt64(bytes.count)) + 1)
            default:
                bytes.insert(
                    UInt8.random(in: 0...255, using: &generator),
                    at: Int(generator.next() % UInt64(bytes.count + 1))
                )
            }
            Self.checkStrict(bytes, decoded: &decoded)
        }
        #expect(decoded > 0)
    }

    /// Decoding either throws or yields an item whose canonical encoding is exactly the input; the reader's
    /// validator agrees with the tree decoder on which inputs are valid.
    private static func checkStrict(_ bytes: [UInt8], decoded: inout Int) {
        var reader = RLPReader(bytes)
        let rawValid = (try? reader.readRawItem()) != nil && reader.isAtEnd
        do {
            let item = try RLP.decode(bytes)
            decoded += 1
            #expect(RLP.encode(item) == bytes)
            #expect(rawValid)
        } catch {
            #expect(!rawValid)
        }
    }
}
