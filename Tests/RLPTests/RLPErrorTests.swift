// SPDX-License-Identifier: Apache-2.0

import RLP
import Testing

@Suite("RLPError")
struct RLPErrorTests {
    private static func error(_ bytes: [UInt8]) -> RLPError? {
        do {
            _ = try RLP.decode(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func equalityAndHashingUseTheCodeOnly() throws {
        let first = try #require(Self.error([0x81, 0x01]))
        let second = try #require(Self.error([0xc2, 0x81, 0x01]))
        #expect(first.offset != second.offset)
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        #expect(first != Self.error([0x83, 0x01]))
    }

    @Test func descriptionIsOneLineNamingCodeAndOffset() throws {
        let error = try #require(Self.error([0x80, 0x01, 0x02]))
        #expect(error.description.hasPrefix("RLPError.trailingBytes at offset 1: 2 byte(s) follow the item"))
        #expect(!error.description.contains("\n"))
    }

    @Test func codesHaveDistinctNames() {
        let codes: [RLPError.Code] = [
            .truncated, .trailingBytes, .nonCanonicalSingleByte, .nonCanonicalLength, .lengthOverflow,
            .elementOverrunsList, .leadingZeroInteger, .integerOverflow, .tooDeep, .expectedBytes, .expectedList,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(Set(codes.map(\.description)).count == codes.count)
        #expect(RLPError.Code.tooDeep.description == "tooDeep")
    }
}
