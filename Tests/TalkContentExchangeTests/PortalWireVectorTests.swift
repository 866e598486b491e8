// SPDX-License-Identifier: Apache-2.0

import Foundation
import TalkContentExchange
import TestSupport
import Testing

/// One message encoding from portal-wire-test-vectors.md (see Vectors/PROVENANCE.md).
struct PortalWireVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var kind: String
    var message: String
    var content_key: String?
    var content: String?
    var connection_id: String?
    var enrs: [String]?
    var content_keys: [String]?
    var accept_codes: [UInt8]?

    var testDescription: String { self.name }

    static func load() throws -> [PortalWireVector] {
        try VectorFile.load([PortalWireVector].self, named: "portal-wire", in: .module)
    }

    /// The message the vector's input parameters describe, or `nil` for the unsupported kinds.
    func expectedMessage() throws -> ContentExchangeMessage? {
        switch self.kind {
        case "findContent":
            return .findContent(try FindContent(contentKey: try #require(self.content_key.flatMap([UInt8].init(hex:)))))
        case "contentConnectionID":
            return .content(.connectionID(try self.connectionID()))
        case "contentPayload":
            return .content(.content(try #require(self.content.flatMap([UInt8].init(hex:)))))
        case "contentENRs":
            let records = try #require(self.enrs).map { try #require(recordBytes(enrText: $0)) }
            return .content(.enrs(records))
        case "offer":
            let keys = try #require(self.content_keys).map { try #require([UInt8](hex: $0)) }
            return .offer(try Offer(contentKeys: keys))
        case "accept":
            let codes = try #require(self.accept_codes).map(AcceptCode.init(rawValue:))
            return .accept(try Accept(connectionID: try self.connectionID(), acceptCodes: codes))
        default:
            return nil
        }
    }

    private func connectionID() throws -> UInt16 {
        let idBytes = try #require(self.connection_id.flatMap([UInt8].init(hex:)))
        try #require(idBytes.count == 2)
        return UInt16(idBytes[0]) << 8 | UInt16(idBytes[1])
    }
}

private let portalVectors: [PortalWireVector] = (try? PortalWireVector.load()) ?? []

@Suite("Portal wire test vectors")
struct PortalWireVectorTests {
    @Test func allEightVectorsAreLoaded() {
        #expect(portalVectors.count == 8)
        #expect(portalVectors.filter { $0.kind != "unsupported" }.count == 6)
    }

    @Test(arguments: portalVectors.filter { $0.kind != "unsupported" })
    func encodesByteForByte(_ vector: PortalWireVector) throws {
        let message = try #require(try vector.expectedMessage())
        #expect(try message.encoded() == [UInt8](hex: vector.message))
    }

    @Test(arguments: portalVectors.filter { $0.kind != "unsupported" })
    func decodesToTheSpecInputs(_ vector: PortalWireVector) throws {
        let expected = try #require(try vector.expectedMessage())
        let wire = try #require([UInt8](hex: vector.message))
        #expect(try ContentExchangeMessage(decoding: wire) == expected)
    }

    @Test(arguments: portalVectors.filter { $0.kind == "unsupported" })
    func otherPortalMessagesAreRefusedAsUnsupported(_ vector: PortalWireVector) throws {
        let wire = try #require([UInt8](hex: vector.message))
        let error = #expect(throws: TalkContentExchangeError.self) { try ContentExchangeMessage(decoding: wire) }
        #expect(error?.code == .unsupportedMessage)
    }

    /// The two encodings the project's design notes quote (shared/vectors/README.md).
    @Test func contentConnectionIDIsBigEndianBytes0102() throws {
        let message = ContentExchangeMessage.content(.connectionID(0x0102))
        #expect(try message.encoded() == [0x05, 0x00, 0x01, 0x02])
        #expect(try ContentExchangeMessage(decoding: [0x05, 0x00, 0x01, 0x02]) == message)
    }

    @Test func acceptWithEightCodesMatchesTheSpecEncoding() throws {
        let codes: [AcceptCode] = [
            .accepted, .declined, .alreadyStored, .notWithinRadius, .rateLimited, .inboundRateLimited, .declined,
            .declined,
        ]
        let message = ContentExchangeMessage.accept(try Accept(connectionID: 0x0102, acceptCodes: codes))
        let wire: [UInt8] = [0x07, 0x01, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x01, 0x01]
        #expect(try message.encoded() == wire)
        #expect(try ContentExchangeMessage(decoding: wire) == message)
    }
}
