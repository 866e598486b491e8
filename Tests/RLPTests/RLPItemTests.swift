// SPDX-License-Identifier: Apache-2.0

import RLP
import Testing

@Suite("RLPItem conveniences")
struct RLPItemTests {
    @Test(
        "uint is minimal big-endian",
        arguments: [
            (0, []),
            (1, [0x01]),
            (0x7f, [0x7f]),
            (0x80, [0x80]),
            (0x0100, [0x01, 0x00]),
            (0xffff_ffff, [0xff, 0xff, 0xff, 0xff]),
            (UInt64.max, [UInt8](repeating: 0xff, count: 8)),
        ] as [(UInt64, [UInt8])]
    )
    func uintIsMinimal(value: UInt64, bytes: [UInt8]) throws {
        #expect(RLPItem.uint(value) == .bytes(bytes))
        #expect(try RLPItem.uint(value).uint64Value() == value)
    }

    @Test func uintWorksForEveryWidth() throws {
        #expect(RLPItem.uint(UInt8(0)) == .bytes([]))
        #expect(RLPItem.uint(UInt8(200)) == .bytes([200]))
        #expect(RLPItem.uint(UInt16(0x0102)) == .bytes([1, 2]))
        #expect(RLPItem.uint(UInt32(0x0001_0000)) == .bytes([1, 0, 0]))
        #expect(try RLPItem.bytes([0xff]).uintValue(as: UInt8.self) == 0xff)
        #expect(try RLPItem.bytes([1, 2]).uintValue(as: UInt16.self) == 0x0102)
        #expect(try RLPItem.bytes([]).uintValue(as: UInt32.self) == 0)
    }

    @Test func encodesZeroAsEmptyString() {
        #expect(RLP.encode(.uint(UInt64(0))) == [0x80])
        #expect(RLP.encode(.uint(UInt64(0x7f))) == [0x7f])
        #expect(RLP.encode(.uint(UInt64(0x80))) == [0x81, 0x80])
    }

    @Test func rejectsLeadingZeroInteger() {
        let error = #expect(throws: RLPError.self) { try RLPItem.bytes([0x00]).uint64Value() }
        #expect(error?.code == .leadingZeroInteger)
        #expect(error?.offset == nil)
        #expect(
            (#expect(throws: RLPError.self) { try RLPItem.bytes([0, 1]).uint64Value() })?.code == .leadingZeroInteger
        )
    }

    @Test func acceptsEightByteInteger() throws {
        #expect(try RLPItem.bytes([0x80, 0, 0, 0, 0, 0, 0, 1]).uint64Value() == 0x8000_0000_0000_0001)
    }

    @Test func rejectsNineByteInteger() {
        let error = #expect(throws: RLPError.self) { try RLPItem.bytes([1, 0, 0, 0, 0, 0, 0, 0, 0]).uint64Value() }
        #expect(error?.code == .integerOverflow)
    }

    @Test func rejectsIntegerTooWideForTargetType() {
        let error = #expect(throws: RLPError.self) { try RLPItem.bytes([1, 0]).uintValue(as: UInt8.self) }
        #expect(error?.code == .integerOverflow)
    }

    @Test func rejectsListAsInteger() {
        #expect((#expect(throws: RLPError.self) { try RLPItem.list([]).uint64Value() })?.code == .expectedBytes)
    }

    @Test func accessors() {
        #expect(RLPItem("dog") == .bytes([0x64, 0x6f, 0x67]))
        #expect(RLPItem("dog").bytesValue == [0x64, 0x6f, 0x67])
        #expect(RLPItem("dog").listValue == nil)
        #expect(RLPItem.list([.bytes([])]).listValue == [.bytes([])])
        #expect(RLPItem.list([]).bytesValue == nil)
    }

    @Test func encodeIntoAppendsToExistingBytes() {
        var buffer: [UInt8] = [0xaa]
        RLP.encode(.list([RLPItem("cat")]), into: &buffer)
        RLP.encode(.bytes([0x05]), into: &buffer)
        #expect(buffer == [0xaa, 0xc4, 0x83, 0x63, 0x61, 0x74, 0x05])
    }

    @Test func encodesLongListHeaders() throws {
        // A 1024-byte payload needs a two-byte length field: f9 04 00.
        let item = RLPItem.list([.bytes([UInt8](repeating: 7, count: 1021))])
        let encoded = RLP.encode(item)
        #expect(Array(encoded.prefix(6)) == [0xf9, 0x04, 0x00, 0xb9, 0x03, 0xfd])
        #expect(encoded.count == 3 + 1024)
        #expect(try RLP.decode(encoded) == item)
    }

    @Test func decodesFromAnyCollection() throws {
        let encoded: [UInt8] = [0xaa, 0xc2, 0x01, 0x02]
        #expect(try RLP.decode(encoded.dropFirst()) == .list([.bytes([1]), .bytes([2])]))
        #expect(try RLP.decode(encoded.dropFirst().reversed().reversed()) == .list([.bytes([1]), .bytes([2])]))
        let prefix = try RLP.decodePrefix(encoded.dropFirst(2))
        #expect(prefix.item == .bytes([1]))
        #expect(prefix.consumed == 1)
    }
}
