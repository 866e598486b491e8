// SPDX-License-Identifier: Apache-2.0

import TalkContentExchange
import TestSupport
import Testing

@Suite("Content-exchange properties (seeded)")
struct ContentExchangePropertyTests {
    private static func randomMessage(using generator: inout SplitMix64) throws -> ContentExchangeMessage {
        func byteList(_ limit: Int) -> [UInt8] {
            // Mostly short, sometimes at the limit.
            let length = Bool.random(using: &generator) ? Int.random(in: 0...40, using: &generator) : limit
            return generator.bytes(count: Int.random(in: 0...length, using: &generator))
        }
        switch Int.random(in: 0..<6, using: &generator) {
        case 0:
            return .findContent(try FindContent(contentKey: byteList(2048)))
        case 1:
            return .content(.connectionID(UInt16.random(in: 0...UInt16.max, using: &generator)))
        case 2:
            return .content(.content(byteList(2048)))
        case 3:
            let count = Int.random(in: 0...32, using: &generator)
            return .content(.enrs((0..<count).map { _ in byteList(300) }))
        case 4:
            let count = Int.random(in: 0...64, using: &generator)
            return .offer(try Offer(contentKeys: (0..<count).map { _ in byteList(64) }))
        default:
            let count = Int.random(in: 0...64, using: &generator)
            let codes = generator.bytes(count: count).map(AcceptCode.init(rawValue:))
            return .accept(
                try Accept(connectionID: UInt16.random(in: 0...UInt16.max, using: &generator), acceptCodes: codes)
            )
        }
    }

    @Test func decodeOfEncodeIsIdentity() throws {
        var generator = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<2_000 {
            let message = try Self.randomMessage(using: &generator)
            let wire = try message.encoded()
            #expect(try ContentExchangeMessage(decoding: wire) == message)
        }
    }

    @Test func decodedMessagesReencodeToTheSameBytes() throws {
        // Whatever random input is accepted must be canonical: decoding then encoding gives it back.
        var generator = SplitMix64(seed: 0x5EED_0002)
        var accepted = 0
        for _ in 0..<20_000 {
            let selector = UInt8.random(in: 0x04...0x07, using: &generator)
            let input = [selector] + generator.bytes(count: Int.random(in: 0...24, using: &generator))
            guard let message = try? ContentExchangeMessage(decoding: input) else { continue }
            accepted += 1
            #expect(try message.encoded() == input)
        }
        #expect(accepted > 0)
    }

    @Test func randomBytesNeverTrap() {
        var generator = SplitMix64(seed: 0x5EED_0003)
        for _ in 0..<20_000 {
            let input = generator.bytes(count: Int.random(in: 0...300, using: &generator))
            _ = try? ContentExchangeMessage(decoding: input)
        }
    }

    @Test func mutatedValidMessagesNeverTrap() throws {
        var generator = SplitMix64(seed: 0x5EED_0004)
        for _ in 0..<5_000 {
            var wire = try Self.randomMessage(using: &generator).encoded()
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !wire.isEmpty {
                let index = Int.random(in: 0..<wire.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: wire[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: wire.removeSubrange(index...)
                default: wire.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            _ = try? ContentExchangeMessage(decoding: wire)
        }
    }
}
