// SPDX-License-Identifier: Apache-2.0

import RLP
import Testing

@Suite("RLPReader")
struct RLPReaderTests {
    /// An ENR-shaped list: [signature, seq, "id", "v4", "zz", [1, [2]]].
    private static let record: [UInt8] = RLP.encode(
        .list([
            .bytes([UInt8](repeating: 0x11, count: 64)),
            .uint(UInt64(0x0102)),
            RLPItem("id"),
            RLPItem("v4"),
            RLPItem("zz"),
            .list([.uint(UInt8(1)), .list([.uint(UInt8(2))])]),
        ])
    )

    @Test func walksAListWithoutBuildingATree() throws {
        var outer = RLPReader(Self.record)
        var list = try outer.enterList()
        try outer.expectEnd()

        #expect(try list.readBytes() == [UInt8](repeating: 0x11, count: 64)[...])
        #expect(try list.readUInt64() == 0x0102)
        #expect(try list.readBytes() == Array("id".utf8)[...])
        #expect(try list.readRawItem() == [0x82, 0x76, 0x34][...])
        #expect(try list.readBytes() == Array("zz".utf8)[...])
        let raw = try list.readRawItem()
        #expect(raw == [0xc3, 0x01, 0xc1, 0x02][...])
        #expect(try RLP.decode(raw) == .list([.bytes([1]), .list([.bytes([2])])]))
        #expect(list.isAtEnd)
        try list.expectEnd()
    }

    @Test func documentationExampleHolds() throws {
        let encoded = RLP.encode(.list([RLPItem("id"), RLPItem("v4"), .uint(UInt64(7))]))
        var reader = RLPReader(encoded)
        var list = try reader.enterList()
        try reader.expectEnd()
        #expect(try list.readBytes() == Array("id".utf8)[...])
        #expect(try list.readRawItem() == [0x82, 0x76, 0x34][...])
        #expect(try list.readUInt64() == 7)
        #expect(list.isAtEnd)
    }

    @Test func slicesShareIndicesWithTheInput() throws {
        var reader = RLPReader(Self.record)
        var list = try reader.enterList()
        let signature = try list.readBytes()
        // The list header (f8 4f) and the signature's header (b8 40) take two bytes each.
        #expect(signature.startIndex == 4)
        #expect(Self.record[signature.indices] == signature)
    }

    @Test func readElementGivesPayloadAndEncodedRanges() throws {
        var reader = RLPReader([0xc3, 0x82, 0xab, 0xcd, 0x05])
        let element = try reader.readElement()
        #expect(element.kind == .list)
        #expect(element.payload == [0x82, 0xab, 0xcd][...])
        #expect(element.payload.indices == 1..<4)
        #expect(element.encoded.indices == 0..<4)
        #expect(try reader.peekKind() == .bytes)
        #expect(reader.offset == 4)
        let single = try reader.readElement()
        #expect(single.kind == .bytes)
        #expect(single.payload == [0x05][...])
        #expect(single.encoded == [0x05][...])
        #expect(reader.isAtEnd)
    }

    @Test func offsetsCountFromTheReadersOwnStart() throws {
        let buffer: [UInt8] = [0xff, 0xff, 0xc2, 0x81, 0x00]
        var reader = RLPReader(buffer[2...])
        var list = try reader.enterList()
        let error = #expect(throws: RLPError.self) { try list.readBytes() }
        #expect(error?.code == .nonCanonicalSingleByte)
        #expect(error?.offset == 1)
    }

    @Test func wrongKindLeavesTheReaderInPlace() throws {
        var reader = RLPReader([0xc0, 0x80])
        let bytesError = #expect(throws: RLPError.self) { try reader.readBytes() }
        #expect(bytesError?.code == .expectedBytes)
        #expect(reader.offset == 0)
        _ = try reader.enterList()
        let listError = #expect(throws: RLPError.self) { try reader.enterList() }
        #expect(listError?.code == .expectedList)
        #expect(try reader.readUInt64() == 0)
        #expect(reader.isAtEnd)
    }

    @Test func integerReadsAreStrict() {
        var reader = RLPReader([0x82, 0x00, 0x01, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xc0])
        #expect((#expect(throws: RLPError.self) { try reader.readUInt64() })?.code == .leadingZeroInteger)
        _ = try? reader.skipItem()
        #expect((#expect(throws: RLPError.self) { try reader.readUInt64() })?.code == .integerOverflow)
        _ = try? reader.skipItem()
        #expect((#expect(throws: RLPError.self) { try reader.readUInt(as: UInt8.self) })?.code == .expectedBytes)
    }

    @Test func readItemDecodesOneElement() throws {
        var reader = RLPReader([0xc2, 0xc1, 0x01, 0x80])
        #expect(try reader.readItem() == .list([.list([.bytes([1])])]))
        #expect(try reader.readItem() == .bytes([]))
        #expect(reader.isAtEnd)
    }

    @Test func rejectsTrailingElementsInList() throws {
        var reader = RLPReader([0xc2, 0x01, 0x02])
        var list = try reader.enterList()
        _ = try list.readBytes()
        let error = #expect(throws: RLPError.self) { try list.expectEnd() }
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 2)
    }

    @Test func elementsMayNotOverrunTheirList() throws {
        // The list is 2 bytes, but the string inside claims 3; the input has them.
        var reader = RLPReader([0xc2, 0x83, 0x61, 0x62, 0x63])
        var list = try reader.enterList()
        #expect((#expect(throws: RLPError.self) { try list.readBytes() })?.code == .elementOverrunsList)
        #expect((#expect(throws: RLPError.self) { try list.readRawItem() })?.code == .elementOverrunsList)
        #expect(list.offset == 1)
    }

    @Test func readRawItemChecksNestedContent() throws {
        // A list whose second-level element is a non-canonical single byte: the header alone looks fine.
        var reader = RLPReader([0xc3, 0xc2, 0x81, 0x05])
        #expect((#expect(throws: RLPError.self) { try reader.readRawItem() })?.code == .nonCanonicalSingleByte)
        #expect(reader.offset == 0)
        var shallow = RLPReader([0xc3, 0xc2, 0x81, 0x05])
        #expect(try shallow.readElement().kind == .list)
    }

    @Test func readRawItemHonoursMaxDepth() throws {
        var reader = RLPReader(nestedListEncoding(depth: 3))
        #expect((#expect(throws: RLPError.self) { try reader.readRawItem(maxDepth: 2) })?.code == .tooDeep)
        #expect(try reader.readRawItem(maxDepth: 3).count == 3)
    }
}
