// SPDX-License-Identifier: Apache-2.0

import RLP
import Testing

/// One test per strictness rule, at the exact boundary where the rule starts to apply.
@Suite("Strictness boundaries")
struct StrictnessBoundaryTests {
    /// Decodes, expects a throw, and hands back the error for a closer look.
    private func decodeError(
        _ bytes: [UInt8],
        maxDepth: Int = RLP.defaultMaximumDepth,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> RLPError? {
        #expect(throws: RLPError.self, sourceLocation: sourceLocation) { try RLP.decode(bytes, maxDepth: maxDepth) }
    }

    // MARK: Single bytes

    @Test func acceptsSingleByteBelowEighty() throws {
        #expect(try RLP.decode([0x7f]) == .bytes([0x7f]))
        #expect(try RLP.decode([0x00]) == .bytes([0x00]))
    }

    @Test func acceptsOneByteStringForEighty() throws {
        #expect(try RLP.decode([0x81, 0x80]) == .bytes([0x80]))
        #expect(RLP.encode(.bytes([0x80])) == [0x81, 0x80])
    }

    @Test(arguments: [UInt8(0x00), 0x01, 0x7f])
    func rejectsOneByteStringBelowEighty(byte: UInt8) {
        let error = self.decodeError([0x81, byte])
        #expect(error?.code == .nonCanonicalSingleByte)
        #expect(error?.offset == 0)
    }

    // MARK: Short and long string lengths

    @Test func acceptsFiftyFiveByteShortString() throws {
        let payload = [UInt8](repeating: 0xaa, count: 55)
        let encoded = [0xb7] + payload
        #expect(RLP.encode(.bytes(payload)) == encoded)
        #expect(try RLP.decode(encoded) == .bytes(payload))
    }

    @Test func rejectsLongFormForFiftyFiveBytes() {
        let error = self.decodeError([0xb8, 55] + [UInt8](repeating: 0xaa, count: 55))
        #expect(error?.code == .nonCanonicalLength)
    }

    @Test func acceptsFiftySixByteLongString() throws {
        let payload = [UInt8](repeating: 0xaa, count: 56)
        let encoded = [0xb8, 56] + payload
        #expect(RLP.encode(.bytes(payload)) == encoded)
        #expect(try RLP.decode(encoded) == .bytes(payload))
    }

    @Test func rejectsLongFormForZeroLength() {
        #expect(self.decodeError([0xb8, 0x00])?.code == .nonCanonicalLength)
    }

    @Test func rejectsLeadingZeroInLengthField() {
        let error = self.decodeError([0xb9, 0x00, 0x38] + [UInt8](repeating: 0xaa, count: 56))
        #expect(error?.code == .nonCanonicalLength)
    }

    @Test func acceptsTwoByteLengthField() throws {
        let payload = [UInt8](repeating: 0x55, count: 256)
        let encoded = [0xb9, 0x01, 0x00] + payload
        #expect(RLP.encode(.bytes(payload)) == encoded)
        #expect(try RLP.decode(encoded) == .bytes(payload))
    }

    // MARK: Short and long list lengths

    @Test func acceptsFiftyFiveBytePayloadShortList() throws {
        let elements = [RLPItem](repeating: .bytes([0x01]), count: 55)
        let encoded = [0xf7] + [UInt8](repeating: 0x01, count: 55)
        #expect(RLP.encode(.list(elements)) == encoded)
        #expect(try RLP.decode(encoded) == .list(elements))
    }

    @Test func rejectsLongFormListForFiftyFiveBytes() {
        let error = self.decodeError([0xf8, 55] + [UInt8](repeating: 0x01, count: 55))
        #expect(error?.code == .nonCanonicalLength)
    }

    @Test func acceptsFiftySixBytePayloadLongList() throws {
        let elements = [RLPItem](repeating: .bytes([0x01]), count: 56)
        let encoded = [0xf8, 56] + [UInt8](repeating: 0x01, count: 56)
        #expect(RLP.encode(.list(elements)) == encoded)
        #expect(try RLP.decode(encoded) == .list(elements))
    }

    @Test func rejectsLeadingZeroInListLengthField() {
        #expect(
            self.decodeError([0xf9, 0x00, 0x38] + [UInt8](repeating: 0x01, count: 56))?.code == .nonCanonicalLength
        )
    }

    // MARK: Lengths against the input

    @Test func rejectsEmptyInput() {
        let error = self.decodeError([])
        #expect(error?.code == .truncated)
        #expect(error?.offset == 0)
    }

    @Test func rejectsStringPayloadPastInputEnd() {
        #expect(self.decodeError([0x83, 0x61, 0x62])?.code == .truncated)
    }

    @Test func rejectsMissingLengthFieldBytes() {
        #expect(self.decodeError([0xba, 0x01, 0x00])?.code == .truncated)
    }

    @Test func rejectsHugeDeclaredLengthWithoutAllocating() {
        // 2^62 bytes announced by a ten-byte input: must fail on the length check, not on an allocation.
        #expect(self.decodeError([0xbf, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x01])?.code == .truncated)
        #expect(self.decodeError([0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x01])?.code == .truncated)
    }

    @Test func rejectsLengthBeyondIntMax() {
        #expect(self.decodeError([0xbf, 0x80, 0, 0, 0, 0, 0, 0, 0])?.code == .lengthOverflow)
        #expect(self.decodeError([0xff] + [UInt8](repeating: 0xff, count: 8))?.code == .lengthOverflow)
    }

    @Test func acceptsLengthOfLengthEight() throws {
        // 0xbf is the largest length-of-length (8); a valid 8-byte length field can only be checked
        // against a short input, which proves it is parsed rather than rejected outright.
        let error = self.decodeError([0xbf, 0x01, 0, 0, 0, 0, 0, 0, 0])
        #expect(error?.code == .truncated)
    }

    @Test func rejectsTrailingBytes() {
        let error = self.decodeError([0x80, 0x00])
        #expect(error?.code == .trailingBytes)
        #expect(error?.offset == 1)
    }

    @Test func rejectsElementOverrunningList() {
        // The list holds 2 bytes, its element claims 3; the input itself is long enough.
        let error = self.decodeError([0xc2, 0x83, 0x61, 0x62, 0x63])
        #expect(error?.code == .elementOverrunsList)
        #expect(error?.offset == 1)
    }

    @Test func rejectsElementOverrunningListAtInputEnd() {
        #expect(self.decodeError([0xc2, 0x83, 0x61])?.code == .elementOverrunsList)
    }

    @Test func rejectsListShorterThanDeclared() {
        #expect(self.decodeError([0xc3, 0x01, 0x02])?.code == .truncated)
    }

    // MARK: Depth

    @Test func acceptsDepthAtLimit() throws {
        let depth = RLP.defaultMaximumDepth
        #expect(try RLP.decode(nestedListEncoding(depth: depth)) == nestedListItem(depth: depth))
    }

    @Test func rejectsDepthPastLimit() {
        let encoded = nestedListEncoding(depth: RLP.defaultMaximumDepth + 1)
        let error = self.decodeError(encoded)
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == encoded.count - 1)  // the innermost list, the last byte, is one too many
    }

    @Test func acceptsCustomDepthLimit() throws {
        #expect(try RLP.decode([0xc1, 0xc0], maxDepth: 2) == .list([.list([])]))
        #expect(self.decodeError([0xc1, 0xc0], maxDepth: 1)?.code == .tooDeep)
        #expect(self.decodeError([0xc0], maxDepth: 0)?.code == .tooDeep)
        #expect(try RLP.decode([0x80], maxDepth: 0) == .bytes([]))
    }

    @Test func rejectsHundredThousandNestedListsWithoutRecursion() {
        let encoded = nestedListEncoding(depth: 100_000)
        #expect(self.decodeError(encoded)?.code == .tooDeep)
        var reader = RLPReader(encoded)
        let readerError = #expect(throws: RLPError.self) { try reader.skipItem() }
        #expect(readerError?.code == .tooDeep)
    }

    @Test func rejectsMegabyteOfNestedListPrefixes() {
        // 0xc1 0xc1 …: each list claims one byte, so the second element already overruns its parent.
        let encoded = [UInt8](repeating: 0xc1, count: 1 << 20)
        let error = self.decodeError(encoded)
        #expect(error?.code == .elementOverrunsList)
        #expect(error?.offset == 1)
    }

    @Test func rejectsMegabyteOfLongListPrefixes() {
        // 0xf8 0xff …: a long-form list whose length byte is itself the next prefix; every level
        // must fail fast at the first inconsistency.
        let encoded = [UInt8](repeating: 0xff, count: 1 << 20)
        #expect(self.decodeError(encoded)?.code == .lengthOverflow)
    }
}
