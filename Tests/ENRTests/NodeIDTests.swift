// SPDX-License-Identifier: Apache-2.0

import ENR
import Testing

@Suite struct NodeIDTests {
    private let zero = NodeID(bytes: [UInt8](repeating: 0, count: 32))!

    @Test func logDistanceOfIdenticalIdentifiersIsZero() {
        #expect(zero.logDistance(to: zero) == 0)
    }

    @Test(arguments: 0..<256)
    func logDistanceIsTheBitLengthOfTheXor(bit: Int) {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[31 - bit / 8] = 1 << UInt8(bit % 8)
        let other = NodeID(bytes: bytes)!
        #expect(zero.logDistance(to: other) == bit + 1)
        #expect(other.logDistance(to: zero) == bit + 1)
    }

    @Test func bytesRoundTripAndOrdering() {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xff) }
        let id = NodeID(bytes: bytes)!
        #expect(id.bytes == bytes)
        #expect(NodeID(hex: id.hexString) == id)
        #expect(zero < id)
        #expect(id.distance(to: id) == zero)
        #expect(NodeID(bytes: [1, 2, 3]) == nil)
        #expect(NodeID(hex: "zz") == nil)
    }
}

@Suite struct Base64URLTests {
    @Test(arguments: 0..<40)
    func roundTrips(length: Int) {
        let bytes = (0..<length).map { UInt8(($0 * 37 + 11) & 0xff) }
        let text = Base64URL.encode(bytes)
        #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
        #expect(Base64URL.decode(text) == bytes)
    }

    @Test func rejectsNonZeroTrailingBits() {
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil)
        #expect(Base64URL.decode("A") == nil)
        #expect(Base64URL.decode("a+b/") == nil)
    }
}

@Suite struct IPAddressTests {
    @Test func parsesAndPrintsBothFamilies() throws {
        let v4 = try #require(IPAddress("192.168.1.20"))
        #expect(v4.bytes == [192, 168, 1, 20])
        #expect(v4.description == "192.168.1.20")
        let v6 = try #require(IPAddress("::1"))
        #expect(v6.isIPv6)
        #expect(v6.description == "::1")
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
