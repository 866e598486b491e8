// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import RLP
import TestSupport
import Testing

/// Wraps already encoded items in a list header (a string header plus 0x40 is the list header
/// of the same length, for short and long forms alike).
func rlpList(_ payload: [UInt8]) -> [UInt8] {
    var encoded = RLP.encode(.bytes(payload))
    if payload.count == 1, payload[0] < 0x80 {
        return [0xc1] + payload
    }
    encoded[0] += 0x40
    return encoded
}

/// Message plaintexts: every type round-trips; request-id and distance bounds; strictness.
@Suite struct MessageCodecTests {
    static func record(seed: UInt8, ip: [UInt8] = [10, 0, 0, 1]) throws -> ENR {
        let key = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
        var builder = ENRBuilder(seq: UInt64(seed))
        builder.setUDPEndpoint(try #require(IPAddress(bytes: ip)), port: 30303)
        return try builder.sign(with: key)
    }

    static func sampleMessages() throws -> [Message] {
        let id = try RequestID(bytes: [0x01, 0x02, 0x03])
        return [
            .ping(Ping(requestID: id, enrSeq: 0)),
            .ping(Ping(requestID: RequestID(.max), enrSeq: .max)),
            .pong(
                Pong(requestID: id, enrSeq: 5, recipientIP: try #require(IPAddress("192.0.2.1")), recipientPort: 9000)
            ),
            .pong(
                Pong(requestID: id, enrSeq: 5, recipientIP: try #require(IPAddress("2001:db8::1")), recipientPort: 0)
            ),
            .findNode(FindNode(requestID: id, distances: [256, 255, 254, 0])),
            .findNode(FindNode(requestID: id, distances: [])),
            .nodes(Nodes(requestID: id, total: 1, records: [])),
            .nodes(Nodes(requestID: id, total: 3, records: [try record(seed: 1), try record(seed: 2)])),
            .talkRequest(
                TalkRequest(requestID: id, protocolID: Array("utp".utf8), request: [UInt8](repeating: 7, count: 900))
            ),
            .talkRequest(TalkRequest(requestID: id, protocolID: [], request: [])),
            .talkResponse(TalkResponse(requestID: id, response: [0x00])),
            .talkResponse(TalkResponse(requestID: id, response: [])),
        ]
    }

    @Test func everyMessageTypeRoundTrips() throws {
        for message in try Self.sampleMessages() {
            let plaintext = message.encode()
            #expect(plaintext.first == message.type.rawValue)
            #expect(try Message.decode(plaintext) == message, "\(message)")
            // The same through the slice entry point.
            #expect(try Message.decode(plaintext[...]) == message)
        }
    }

    @Test func pingEncodesAsSpecPlaintext() throws {
        // message_pt of the spec's ping packet: 01 c6 84 00000001 02.
        let ping = Message.ping(Ping(requestID: try RequestID(bytes: hex("00000001")), enrSeq: 2))
        #expect(ping.encode() == hex("01c6840000000102"))
    }

    @Test func acceptsEightByteRequestID() throws {
        let plaintext =
            [MessageType.ping.rawValue]
            + RLP.encode(.list([.bytes([UInt8](repeating: 0xab, count: 8)), .uint(UInt64(1))]))
        let message = try Message.decode(plaintext)
        #expect(message.requestID?.bytes == [UInt8](repeating: 0xab, count: 8))
    }

    @Test func rejectsNineByteRequestID() throws {
        let plaintext =
            [MessageType.ping.rawValue]
            + RLP.encode(.list([.bytes([UInt8](repeating: 0xab, count: 9)), .uint(UInt64(1))]))
        #expect(throws: Discv5WireError(code: .requestIDTooLong)) { try Message.decode(plaintext) }
        #expect(throws: Discv5WireError(code: .requestIDTooLong)) {
            try RequestID(bytes: [UInt8](repeating: 0, count: 9))
        }
    }

    @Test func acceptsEmptyRequestIDAndMirrorsIt() throws {
        let empty = try RequestID(bytes: [])
        let plaintext = Message.talkResponse(TalkResponse(requestID: empty, response: [])).encode()
        #expect(plaintext == [0x06, 0xc2, 0x80, 0x80])
        #expect(try Message.decode(plaintext).requestID == empty)
    }

    @Test func rejectsListAsRequestID() throws {
        let plaintext = [MessageType.ping.rawValue] + RLP.encode(.list([.list([]), .uint(UInt64(1))]))
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test(arguments: [UInt8(0x07), 0x08, 0x09, 0x0A])
    func topicMessagesAreIgnored(type: UInt8) throws {
        let plaintext = [type] + RLP.encode(.list([.bytes([1]), .bytes([UInt8](repeating: 0, count: 32))]))
        #expect(try Message.decode(plaintext) == .ignoredTopicMessage(type: type))
        #expect(try Message.decode([type]) == .ignoredTopicMessage(type: type))
    }

    @Test(arguments: [UInt8(0x00), 0x0B, 0x80, 0xFF])
    func unknownMessageTypeIsRejected(type: UInt8) throws {
        #expect(throws: Discv5WireError(code: .unknownMessageType)) {
            try Message.decode([type] + RLP.encode(.list([.bytes([1])])))
        }
    }

    @Test func emptyPlaintextIsInvalid() throws {
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode([]) }
    }

    @Test func acceptsDistance256() throws {
        let plaintext = [MessageType.findNode.rawValue] + RLP.encode(.list([.bytes([1]), .list([.uint(UInt64(256))])]))
        #expect(
            try Message.decode(plaintext) == .findNode(FindNode(requestID: try RequestID(bytes: [1]), distances: [256]))
        )
    }

    @Test func rejectsDistance257() throws {
        let plaintext = [MessageType.findNode.rawValue] + RLP.encode(.list([.bytes([1]), .list([.uint(UInt64(257))])]))
        #expect(throws: Discv5WireError(code: .invalidDistance)) { try Message.decode(plaintext) }
        let huge = [MessageType.findNode.rawValue] + RLP.encode(.list([.bytes([1]), .list([.uint(UInt64.max)])]))
        #expect(throws: Discv5WireError(code: .invalidDistance)) { try Message.decode(huge) }
    }

    @Test func rejectsTrailingListElements() throws {
        let plaintext = [MessageType.ping.rawValue] + RLP.encode(.list([.bytes([1]), .uint(UInt64(1)), .bytes([9])]))
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test func rejectsBytesAfterMessageData() throws {
        let plaintext = Message.ping(Ping(requestID: RequestID(1), enrSeq: 1)).encode() + [0x00]
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test func rejectsMissingElements() throws {
        let plaintext = [MessageType.pong.rawValue] + RLP.encode(.list([.bytes([1]), .uint(UInt64(1))]))
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test func rejectsNonCanonicalInteger() throws {
        // enr-seq 0x0001 with a leading zero byte.
        let plaintext = [MessageType.ping.rawValue] + RLP.encode(.list([.bytes([1]), .bytes([0x00, 0x01])]))
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test(arguments: [0, 3, 5, 15, 17])
    func pongRejectsIPOfWrongLength(length: Int) throws {
        let plaintext =
            [MessageType.pong.rawValue]
            + RLP.encode(
                .list([.bytes([1]), .uint(UInt64(1)), .bytes([UInt8](repeating: 1, count: length)), .uint(UInt64(80))])
            )
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test func pongRejectsPortAbove65535() throws {
        let plaintext =
            [MessageType.pong.rawValue]
            + RLP.encode(.list([.bytes([1]), .uint(UInt64(1)), .bytes([127, 0, 0, 1]), .uint(UInt64(65536))]))
        #expect(throws: Discv5WireError(code: .invalidMessage)) { try Message.decode(plaintext) }
    }

    @Test func nodesSkipsInvalidRecordsAndCountsThem() throws {
        let good1 = try Self.record(seed: 3)
        let good2 = try Self.record(seed: 4)
        var tampered = good1.encoded
        tampered[tampered.count - 1] ^= 0x01  // breaks the signature, keeps the RLP shape
        let records = good1.encoded + tampered + RLP.encode(.bytes([1, 2, 3])) + good2.encoded
        let data = RLP.encode(.bytes([9])) + RLP.encode(.uint(UInt64(2))) + rlpList(records)
        let plaintext = [MessageType.nodes.rawValue] + rlpList(data)
        guard case .nodes(let nodes) = try Message.decode(plaintext) else {
            Issue.record("expected NODES")
            return
        }
        #expect(nodes.records == [good1, good2])
        #expect(nodes.invalidRecordCount == 2)
        #expect(nodes.total == 2)
    }

    @Test func talkPayloadsAreBoundedByThePacket() throws {
        let vectors = try WireVectors.load()
        let id = RequestID(1)
        let overhead =
            Message.talkResponse(TalkResponse(requestID: id, response: [UInt8](repeating: 0, count: 1000))).encode()
            .count - 1000
        let fitting = PacketLimits.maximumOrdinaryMessageSize - overhead
        let header = try PacketHeader(
            nonce: [UInt8](repeating: 0, count: 12),
            authData: .ordinary(sourceID: vectors.nodeA)
        )
        let key = [UInt8](repeating: 1, count: 16)
        let iv = [UInt8](repeating: 2, count: 16)
        let packet = try PacketEncoder.seal(
            plaintext: Message.talkResponse(
                TalkResponse(requestID: id, response: [UInt8](repeating: 0, count: fitting))
            ).encode(),
            header: header,
            maskingIV: iv,
            destinationID: vectors.nodeB,
            key: key
        )
        #expect(packet.count == PacketLimits.maximumPacketSize)
        #expect(throws: Discv5WireError(code: .tooLarge)) {
            try PacketEncoder.seal(
                plaintext: Message.talkResponse(
                    TalkResponse(requestID: id, response: [UInt8](repeating: 0, count: fitting + 1))
                ).encode(),
                header: header,
                maskingIV: iv,
                destinationID: vectors.nodeB,
                key: key
            )
        }
        let decoded = try PacketDecoder(localNodeID: vectors.nodeB).decode(packet)
        guard case .talkResponse(let response) = try decoded.openMessage(using: AES128GCM(key: key)) else {
            Issue.record("expected TALKRESP")
            return
        }
        #expect(response.response.count == fitting)
    }
}
