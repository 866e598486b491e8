// SPDX-License-Identifier: Apache-2.0

import TalkGetData
import TestSupport
import Testing

private func requestError(_ wire: [UInt8]) -> TalkGetDataError.Code? {
    do {
        _ = try GetDataRequest(decoding: wire)
        return nil
    } catch {
        return error.code
    }
}

private func responseError(_ wire: [UInt8]) -> TalkGetDataError.Code? {
    do {
        _ = try GetDataResponse(decoding: wire)
        return nil
    } catch {
        return error.code
    }
}

@Suite("GetData wire format")
struct GetDataCodecTests {
    // MARK: Exact encodings (the format documented on `GetData`)

    @Test func protocolIDIsASCIIGetdata() {
        #expect(GetData.protocolID == [0x67, 0x65, 0x74, 0x64, 0x61, 0x74, 0x61])
    }

    @Test func requestEncoding() throws {
        #expect(try GetDataRequest(key: [0x61, 0x62]).encoded() == [0x00, 0x02, 0x61, 0x62])
    }

    @Test func responseEncodings() throws {
        #expect(try GetDataResponse.inline([0xAA, 0xBB]).encoded() == [0x01, 0x00, 0x02, 0xAA, 0xBB])
        #expect(try GetDataResponse.inline([]).encoded() == [0x01, 0x00, 0x00])
        #expect(
            try GetDataResponse.connection(id: 0x0102, length: 0x0000_0001_0000_0002).encoded() == [
                0x02, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
            ]
        )
        #expect(try GetDataResponse.notFound.encoded() == [0x03])
        #expect(try GetDataResponse.busy.encoded() == [0x04])
    }

    // MARK: Round trips

    @Test func requestsRoundTrip() throws {
        for key in [[0x00], Array("hello.txt".utf8), Array(repeating: 0xFF, count: 255)] as [[UInt8]] {
            let request = try GetDataRequest(key: key)
            #expect(try GetDataRequest(decoding: request.encoded()) == request)
        }
    }

    @Test func responsesRoundTrip() throws {
        let responses: [GetDataResponse] = [
            .inline([]), .inline([1, 2, 3]), .inline(Array(repeating: 0x5A, count: 1000)),
            .connection(id: 0, length: 0), .connection(id: 0xFFFF, length: .max), .connection(id: 0x8001, length: 1001),
            .notFound, .busy,
        ]
        for response in responses {
            #expect(try GetDataResponse(decoding: response.encoded()) == response)
        }
    }

    @Test func seededRandomRoundTrips() throws {
        var generator = SplitMix64(seed: 0x6E7D_A7A0)
        for _ in 0..<2_000 {
            let key = generator.bytes(count: Int.random(in: 1...255, using: &generator))
            let request = try GetDataRequest(key: key)
            #expect(try GetDataRequest(decoding: request.encoded()) == request)
            let response: GetDataResponse =
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: .inline(generator.bytes(count: Int.random(in: 0...1000, using: &generator)))
                case 1:
                    .connection(
                        id: UInt16.random(in: 0...UInt16.max, using: &generator),
                        length: UInt64.random(in: 0...UInt64.max, using: &generator)
                    )
                default: .notFound
                }
            #expect(try GetDataResponse(decoding: response.encoded()) == response)
        }
    }

    @Test func randomBytesNeverTrap() {
        var generator = SplitMix64(seed: 0xBAD_B17E5)
        for _ in 0..<20_000 {
            let input = generator.bytes(count: Int.random(in: 0...40, using: &generator))
            _ = try? GetDataRequest(decoding: input)
            _ = try? GetDataResponse(decoding: input)
        }
    }

    // MARK: Boundaries

    @Test func acceptsKeyOf255Bytes() throws {
        let key = Array(repeating: UInt8(0x41), count: 255)
        #expect(try GetDataRequest(key: key).key == key)
        #expect(requestError([0x00, 0xFF] + key) == nil)
    }

    @Test func rejectsKeyOf256BytesAndTheEmptyKey() {
        let error = #expect(throws: TalkGetDataError.self) { try GetDataRequest(key: Array(repeating: 1, count: 256)) }
        #expect(error?.code == .invalidKeyLength)
        let empty = #expect(throws: TalkGetDataError.self) { try GetDataRequest(key: []) }
        #expect(empty?.code == .invalidKeyLength)
        #expect(requestError([0x00, 0x00]) == .invalidKeyLength)
    }

    @Test func acceptsInlineValueOf1000Bytes() throws {
        #expect(GetData.maximumInlineValueLength == 1000)
        #expect(GetData.fitsInline(length: 1000))
        #expect(
            try GetDataResponse.checkedInline(Array(repeating: 0, count: 1000))
                == .inline(Array(repeating: 0, count: 1000))
        )
        #expect(responseError([0x01, 0x03, 0xE8] + Array(repeating: 0, count: 1000)) == nil)
    }

    @Test func rejectsInlineValueOf1001Bytes() {
        #expect(!GetData.fitsInline(length: 1001))
        let error = #expect(throws: TalkGetDataError.self) {
            try GetDataResponse.inline(Array(repeating: 0, count: 1001)).encoded()
        }
        #expect(error?.code == .inlineValueTooLong)
        #expect(throws: TalkGetDataError.self) { try GetDataResponse.checkedInline(Array(repeating: 0, count: 1001)) }
        #expect(responseError([0x01, 0x03, 0xE9] + Array(repeating: 0, count: 1001)) == .inlineValueTooLong)
        // The length is checked before the bytes are looked at.
        #expect(responseError([0x01, 0xFF, 0xFF]) == .inlineValueTooLong)
    }

    @Test func largestInlineResponseFitsTheTalkrespBudget() throws {
        // 1280 − 87 (ordinary packet overhead) − 16 (TALKRESP framing with an 8-byte request id) = 1177.
        let response = try GetDataResponse.inline(Array(repeating: 0, count: GetData.maximumInlineValueLength))
            .encoded()
        #expect(response.count == 1003)
        #expect(response.count <= 1177)
    }

    // MARK: Malformed input

    @Test func rejectsTruncatedMessages() {
        #expect(requestError([]) == .truncated)
        #expect(requestError([0x00]) == .truncated)
        #expect(requestError([0x00, 0x03, 0x61, 0x62]) == .truncated)
        #expect(responseError([]) == .truncated)
        #expect(responseError([0x01, 0x00]) == .truncated)
        #expect(responseError([0x01, 0x00, 0x02, 0xAA]) == .truncated)
        #expect(responseError([0x02, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0]) == .truncated)
    }

    @Test func rejectsTrailingBytes() {
        #expect(requestError([0x00, 0x01, 0x61, 0x62]) == .trailingBytes)
        #expect(responseError([0x01, 0x00, 0x01, 0xAA, 0xBB]) == .trailingBytes)
        #expect(responseError([0x02, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0, 5, 0]) == .trailingBytes)
        #expect(responseError([0x03, 0x00]) == .trailingBytes)
        #expect(responseError([0x04, 0x00]) == .trailingBytes)
    }

    @Test func rejectsUnknownTagsAndMessagesReadInTheWrongDirection() {
        for tag in UInt8(5)...255 {
            #expect(requestError([tag, 0x01, 0x61]) == .unknownTag)
            #expect(responseError([tag, 0x00, 0x00]) == .unknownTag)
        }
        #expect(requestError([0x03]) == .unknownTag)
        #expect(requestError([0x01, 0x00, 0x00]) == .unknownTag)
        #expect(responseError([0x00, 0x01, 0x61]) == .unknownTag)
    }
}
