// SPDX-License-Identifier: Apache-2.0

import TalkContentExchange
import Testing

private func decodeError(_ wire: [UInt8]) -> TalkContentExchangeError.Code? {
    do {
        _ = try ContentExchangeMessage(decoding: wire)
        return nil
    } catch {
        return error.code
    }
}

private func offerWire(keys: [[UInt8]]) -> [UInt8] {
    // Built by hand so that limits the encoder refuses can still be put on the wire.
    var wire: [UInt8] = [0x06, 0x04, 0x00, 0x00, 0x00]
    var offset = keys.count * 4
    for key in keys {
        wire += [UInt8(offset & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset >> 16 & 0xFF), 0]
        offset += key.count
    }
    for key in keys { wire += key }
    return wire
}

@Suite("Content-exchange message codec")
struct ContentExchangeCodecTests {
    // MARK: Round trips

    @Test func everyMessageKindRoundTrips() throws {
        let messages: [ContentExchangeMessage] = [
            .findContent(try FindContent(contentKey: [])),
            .findContent(try FindContent(contentKey: Array(repeating: 0xAB, count: 2048))),
            .content(.connectionID(0)),
            .content(.connectionID(0xFFFF)),
            .content(.content([])),
            .content(.content(Array(repeating: 7, count: 2048))),
            .content(.enrs([])),
            .content(.enrs([[], [1], [2, 3]])),
            .offer(try Offer(contentKeys: [])),
            .offer(try Offer(contentKeys: [[], [0xFF], Array(repeating: 1, count: 2048)])),
            .accept(try Accept(connectionID: 0xBEEF, acceptCodes: [])),
            .accept(try Accept(connectionID: 1, acceptCodes: (0...255).prefix(64).map(AcceptCode.init(rawValue:)))),
        ]
        for message in messages {
            #expect(try ContentExchangeMessage(decoding: message.encoded()) == message)
        }
    }

    @Test func emptyENRListIsJustTheUnionSelector() throws {
        #expect(try ContentExchangeMessage.content(.enrs([])).encoded() == [0x05, 0x02])
    }

    // MARK: Boundaries

    @Test func acceptsMaximumOfferedKeys64() throws {
        let keys = (0..<64).map { [UInt8($0)] }
        #expect(try Offer(contentKeys: keys).contentKeys.count == 64)
        guard case .offer(let offer) = try ContentExchangeMessage(decoding: offerWire(keys: keys)) else {
            Issue.record("not an offer")
            return
        }
        #expect(offer.contentKeys == keys)
    }

    @Test func rejectsOfferedKeys65() {
        let keys = (0..<65).map { [UInt8($0)] }
        #expect(throws: TalkContentExchangeError.self) { try Offer(contentKeys: keys) }
        #expect(decodeError(offerWire(keys: keys)) == .tooManyElements)
    }

    @Test func acceptsContentKeyOf2048Bytes() throws {
        let key = Array(repeating: UInt8(9), count: 2048)
        #expect(try FindContent(contentKey: key).contentKey == key)
        #expect(decodeError([0x04, 4, 0, 0, 0] + key) == nil)
        #expect(decodeError(offerWire(keys: [key])) == nil)
    }

    @Test func rejectsContentKeyOf2049Bytes() {
        let key = Array(repeating: UInt8(9), count: 2049)
        #expect(throws: TalkContentExchangeError.self) { try FindContent(contentKey: key) }
        #expect(throws: TalkContentExchangeError.self) { try Offer(contentKeys: [key]) }
        #expect(decodeError([0x04, 4, 0, 0, 0] + key) == .byteListTooLong)
        #expect(decodeError(offerWire(keys: [key])) == .byteListTooLong)
    }

    @Test func acceptsInlineContentOf2048BytesAndRejects2049() throws {
        #expect(decodeError([0x05, 0x01] + Array(repeating: 0, count: 2048)) == nil)
        #expect(decodeError([0x05, 0x01] + Array(repeating: 0, count: 2049)) == .byteListTooLong)
        let error = #expect(throws: TalkContentExchangeError.self) {
            try ContentExchangeMessage.content(.content(Array(repeating: 0, count: 2049))).encoded()
        }
        #expect(error?.code == .byteListTooLong)
    }

    @Test func acceptsThirtyTwoENRsAndRejectsThirtyThree() throws {
        let records32 = (0..<32).map { [UInt8($0)] }
        let wire32 = try ContentExchangeMessage.content(.enrs(records32)).encoded()
        #expect(try ContentExchangeMessage(decoding: wire32) == .content(.enrs(records32)))
        let records33 = (0..<33).map { [UInt8($0)] }
        let error = #expect(throws: TalkContentExchangeError.self) {
            try ContentExchangeMessage.content(.enrs(records33)).encoded()
        }
        #expect(error?.code == .tooManyElements)
        // 33 offsets on the wire.
        var wire: [UInt8] = [0x05, 0x02]
        for index in 0..<33 { wire += [UInt8(33 * 4 + index), 0, 0, 0] }
        wire += (0..<33).map { UInt8($0) }
        #expect(decodeError(wire) == .tooManyElements)
    }

    @Test func acceptsSixtyFourAcceptCodesAndRejectsSixtyFive() throws {
        #expect(
            try Accept(connectionID: 1, acceptCodes: Array(repeating: .accepted, count: 64)).acceptCodes.count == 64
        )
        let error = #expect(throws: TalkContentExchangeError.self) {
            try Accept(connectionID: 1, acceptCodes: Array(repeating: .accepted, count: 65))
        }
        #expect(error?.code == .byteListTooLong)
        #expect(decodeError([0x07, 0, 1, 6, 0, 0, 0] + Array(repeating: 0, count: 64)) == nil)
        #expect(decodeError([0x07, 0, 1, 6, 0, 0, 0] + Array(repeating: 0, count: 65)) == .byteListTooLong)
    }

    // MARK: Malformed input

    @Test func rejectsEmptyPayloadAsTruncated() {
        #expect(decodeError([]) == .truncated)
    }

    @Test func rejectsSelectorsAboveSevenAsUnknown() {
        for selector in UInt8(8)...255 {
            #expect(decodeError([selector, 0, 0, 0, 0]) == .unknownMessage)
        }
    }

    @Test func rejectsPingPongFindNodesNodesAsUnsupported() {
        for selector in UInt8(0)...3 {
            #expect(decodeError([selector]) == .unsupportedMessage)
        }
    }

    @Test func rejectsContentUnionSelectorThree() {
        #expect(decodeError([0x05, 0x03, 0x01, 0x02]) == .invalidUnionSelector)
        #expect(decodeError([0x05]) == .truncated)
    }

    @Test func rejectsConnectionIDOfOneOrThreeBytes() {
        #expect(decodeError([0x05, 0x00, 0x01]) == .truncated)
        #expect(decodeError([0x05, 0x00, 0x01, 0x02, 0x03]) == .trailingBytes)
    }

    @Test func rejectsContainerOffsetThatIsNotTheFixedSize() {
        #expect(decodeError([0x04, 0x05, 0, 0, 0, 0xAA]) == .invalidOffset)
        #expect(decodeError([0x04, 0x03, 0, 0, 0, 0xAA]) == .invalidOffset)
        #expect(decodeError([0x07, 0, 1, 0x07, 0, 0, 0, 0]) == .invalidOffset)
        #expect(decodeError([0x06, 0x00, 0, 0, 0]) == .invalidOffset)
    }

    @Test func rejectsTruncatedFixedParts() {
        #expect(decodeError([0x04, 0x04, 0, 0]) == .truncated)
        #expect(decodeError([0x06]) == .truncated)
        #expect(decodeError([0x07, 0x00, 0x01, 0x06, 0x00, 0x00]) == .truncated)
    }

    @Test func rejectsBadListOffsets() {
        // First offset not a multiple of 4.
        #expect(decodeError([0x06, 4, 0, 0, 0, 5, 0, 0, 0, 0xAA]) == .invalidOffset)
        // First offset zero in a non-empty list.
        #expect(decodeError([0x06, 4, 0, 0, 0, 0, 0, 0, 0]) == .invalidOffset)
        // First offset past the end.
        #expect(decodeError([0x06, 4, 0, 0, 0, 8, 0, 0, 0]) == .invalidOffset)
        // Decreasing offsets.
        #expect(decodeError([0x06, 4, 0, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0xAA]) == .invalidOffset)
        // Second offset past the end.
        #expect(decodeError([0x06, 4, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0]) == .invalidOffset)
        // Fewer than 4 bytes where an offset must be.
        #expect(decodeError([0x06, 4, 0, 0, 0, 4, 0]) == .truncated)
        // A huge first offset must not be taken as a huge element count.
        #expect(decodeError([0x06, 4, 0, 0, 0, 0xFC, 0xFF, 0xFF, 0xFF]) == .invalidOffset)
    }

    // MARK: Accept codes and the connection-id rule

    @Test func acceptCodesKeepTheirRawValues() {
        #expect(AcceptCode.accepted.rawValue == 0)
        #expect(AcceptCode.declined.rawValue == 1)
        #expect(AcceptCode.alreadyStored.rawValue == 2)
        #expect(AcceptCode.notWithinRadius.rawValue == 3)
        #expect(AcceptCode.rateLimited.rawValue == 4)
        #expect(AcceptCode.inboundRateLimited.rawValue == 5)
        #expect(AcceptCode.notVerifiable.rawValue == 6)
        for raw in UInt8(0)...255 {
            let code = AcceptCode(rawValue: raw)
            #expect(code.rawValue == raw)
            #expect(code.isAccepted == (raw == 0))
        }
        #expect(AcceptCode(rawValue: 200).description == "declined(200)")
    }

    @Test func unspecifiedDeclineCodesRoundTripAsReceived() throws {
        let wire: [UInt8] = [0x07, 0x12, 0x34, 6, 0, 0, 0, 7, 0, 255]
        guard case .accept(let accept) = try ContentExchangeMessage(decoding: wire) else {
            Issue.record("not an accept")
            return
        }
        #expect(accept.acceptCodes.map(\.rawValue) == [7, 0, 255])
        #expect(accept.acceptedIndices == [1])
        #expect(try ContentExchangeMessage.accept(accept).encoded() == wire)
    }

    @Test func whenEveryKeyIsDeclinedTheConnectionIDIsZeroAndNoTransferStarts() throws {
        var drawn = 0
        let accept = try Accept(acceptCodes: [.declined, .alreadyStored, AcceptCode(rawValue: 42)]) {
            drawn += 1
            return 0x9999
        }
        #expect(accept.connectionID == 0)
        #expect(!accept.startsTransfer)
        #expect(drawn == 0)
        #expect(accept.acceptedIndices.isEmpty)
        #expect(!Accept.requiresConnection([]))
    }

    @Test func whenAnyKeyIsAcceptedTheGivenConnectionIDIsUsed() throws {
        let accept = try Accept(acceptCodes: [.notWithinRadius, .accepted, .rateLimited, .accepted]) { 0x9999 }
        #expect(accept.connectionID == 0x9999)
        #expect(accept.startsTransfer)
        #expect(accept.acceptedIndices == [1, 3])
    }

    @Test func acceptMustCarryOneCodePerOfferedKey() throws {
        let offer = try Offer(contentKeys: [[1], [2]])
        try Accept(connectionID: 5, acceptCodes: [.accepted, .declined]).validate(answering: offer)
        let error = #expect(throws: TalkContentExchangeError.self) {
            try Accept(connectionID: 5, acceptCodes: [.accepted]).validate(answering: offer)
        }
        #expect(error?.code == .acceptCountMismatch)
    }

    @Test func configurationDefaultsToTheProjectProtocolID() {
        let configuration = ContentExchangeConfiguration()
        #expect(configuration.protocolID == Array("cx".utf8))
        #expect(ContentExchange.portalLegacyHistoryProtocolID == [0x50, 0x0B])
        #expect(ContentExchange.portalHistoryProtocolID == [0x50, 0x00])
    }
}
