// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct HexTests {
    @Test func encodesLowercaseWithoutPrefix() {
        #expect(Hex.encode([0x00, 0x01, 0xAB, 0xFF]) == "0001abff")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode((0...255).map { UInt8($0) }).count == 512)
    }

    @Test func decodesMixedCaseAndOptionalPrefix() throws {
        #expect(try Hex.decode("0001abFF") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(try Hex.decode("0x0001abff") == [0x00, 0x01, 0xAB, 0xFF])
        #expect(try Hex.decode("0XAB") == [0xAB])
        #expect(try Hex.decode("") == [])
        #expect(try Hex.decode("0x") == [])
    }

    @Test func roundTripsEveryByte() throws {
        let all = (0...255).map { UInt8($0) }
        #expect(try Hex.decode(Hex.encode(all)) == all)
    }

    @Test(arguments: ["0", "abc", "0x1", "zz", "0g", " 00", "00 ", "0x0x00", "é0", "xx00"])
    func rejectsMalformedHex(_ text: String) {
        let error = #expect(throws: CryptoError.self) { try Hex.decode(text) }
        #expect(error?.code == .invalidHex)
    }
}
