// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import RLP
import TestSupport
import Testing

/// The four packet encodings of `discv5-wire-test-vectors.md`, decoded with node B's id and
/// rebuilt from their parts byte for byte.
@Suite struct PacketVectorTests {
    @Test(arguments: WireVectors.packetNames)
    func decodesStaticHeader(name: String) throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: name)
        let derived = vector.derived_not_in_spec_text
        let bytes = hex(vector.packet)
        #expect(bytes.count == vector.packet_len)

        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(bytes)
        #expect(packet.flag.rawValue == vector.flag)
        #expect(Array(packet.maskingIV) == hex(derived.masking_iv))
        #expect(Array(packet.header) == hex(derived.static_header) + hex(derived.authdata))
        #expect(Array(packet.header.prefix(23)) == hex(derived.static_header))
        #expect(packet.authData.encodedSize == derived.authdata_size)
        #expect(Array(packet.messageCiphertext) == hex(derived.message_ciphertext))
        if let ad = derived.message_ad {
            #expect(Array(packet.authenticatedData) == hex(ad))
        }
        let expectedNonce = vector.inputs.nonce ?? vector.inputs.whoareyou_request_nonce
        #expect(Array(packet.nonce) == hex(try #require(expectedNonce)))
    }

    @Test(arguments: WireVectors.packetNames)
    func decodesFromRawMemoryIdentically(name: String) throws {
        let vectors = try WireVectors.load()
        let bytes = hex(try vectors.packet(named: name).packet)
        let decoder = PacketDecoder(localNodeID: vectors.nodeB)
        let fromArray = try decoder.decode(bytes)
        let fromMemory = try bytes.withUnsafeBytes { buffer in try decoder.decode(buffer) }
        #expect(fromArray == fromMemory)
    }

    @Test func pingMessagePacketDecryptsToPing() throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: "ping_message_packet")
        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(hex(vector.packet))
        #expect(packet.authData == .ordinary(sourceID: vectors.nodeA))
        let plaintext = try packet.decryptMessage(key: hex(try #require(vector.inputs.read_key)))
        #expect(plaintext == hex(try #require(vector.derived_not_in_spec_text.message_pt)))
        let expected = Ping(requestID: try RequestID(bytes: hex("00000001")), enrSeq: 2)
        #expect(try Message.decode(plaintext) == .ping(expected))
    }

    @Test func whoAreYouPacketCarriesChallenge() throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: "whoareyou_packet")
        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(hex(vector.packet))
        guard case .whoAreYou(let challenge) = packet.authData else {
            Issue.record("expected WHOAREYOU, got \(packet.authData)")
            return
        }
        #expect(challenge.idNonce == hex(try #require(vector.inputs.whoareyou_id_nonce)))
        #expect(challenge.enrSeq == vector.inputs.whoareyou_enr_seq)
        #expect(packet.messageCiphertext.isEmpty)
        // For WHOAREYOU, masking-iv || header is exactly the challenge-data.
        #expect(Array(packet.authenticatedData) == hex(try #require(vector.inputs.whoareyou_challenge_data)))
        #expect(packet.authData.sourceID == nil)
    }

    @Test(arguments: ["ping_handshake_packet", "ping_handshake_packet_with_enr"])
    func handshakePacketDecodesVerifiesAndDecrypts(name: String) throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: name)
        let derived = vector.derived_not_in_spec_text
        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(hex(vector.packet))
        guard case .handshake(let handshake) = packet.authData else {
            Issue.record("expected a handshake packet, got \(packet.authData)")
            return
        }
        #expect(handshake.sourceID == vectors.nodeA)
        #expect(handshake.idSignature == hex(try #require(derived.id_signature)))
        #expect(handshake.ephemeralPublicKey == hex(try #require(vector.inputs.ephemeral_pubkey)))
        #expect(handshake.record?.encoded ?? [] == hex(try #require(derived.record)))
        if let record = handshake.record {
            #expect(record.nodeID == vectors.nodeA)
            #expect(record.seq == 1)
        }

        // Node B's side of the handshake: key agreement with its static key...
        let challengeData = hex(try #require(vector.inputs.whoareyou_challenge_data))
        let keyB = try Secp256k1.PrivateKey(hex: vectors.keys.node_b_key)
        let ephemeral = try Secp256k1.PublicKey(bytes: handshake.ephemeralPublicKey)
        let keys = SessionKeys.derive(
            ecdhSecret: try keyB.sharedSecret(with: ephemeral),
            challengeData: challengeData,
            initiatorID: handshake.sourceID,
            recipientID: vectors.nodeB
        )
        #expect(keys.initiatorKey == hex(try #require(derived.initiator_key)))
        #expect(keys.recipientKey == hex(try #require(derived.recipient_key)))
        #expect(keys.initiatorKey == hex(try #require(vector.inputs.read_key)))

        // ...the identity proof against A's public key...
        let keyA = try Secp256k1.PrivateKey(hex: vectors.keys.node_a_key)
        #expect(
            IDSignature.verify(
                signature: handshake.idSignature,
                publicKey: keyA.publicKey,
                challengeData: challengeData,
                ephemeralPublicKey: handshake.ephemeralPublicKey,
                destinationID: vectors.nodeB
            )
        )
        // ...and the message under the initiator key.
        let message = try packet.openMessage(using: AES128GCM(key: keys.initiatorKey))
        #expect(message == .ping(Ping(requestID: try RequestID(bytes: hex("00000001")), enrSeq: 1)))
    }

    @Test(arguments: WireVectors.packetNames)
    func reencodesFromDecodedPartsByteForByte(name: String) throws {
        let vectors = try WireVectors.load()
        let bytes = hex(try vectors.packet(named: name).packet)
        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(bytes)
        let header = try PacketHeader(nonce: packet.nonce, authData: packet.authData)
        #expect(header.encoded == Array(packet.header))
        let rebuilt = try PacketEncoder.encode(
            header: header,
            maskingIV: packet.maskingIV,
            destinationID: vectors.nodeB,
            messageCiphertext: packet.messageCiphertext
        )
        #expect(rebuilt == bytes)
        #expect(
            try PacketEncoder.authenticatedData(header: header, maskingIV: packet.maskingIV)
                == Array(packet.authenticatedData)
        )
    }

    @Test(arguments: ["ping_message_packet", "ping_handshake_packet", "ping_handshake_packet_with_enr"])
    func sealHelperReproducesSpecPacket(name: String) throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: name)
        let bytes = hex(vector.packet)
        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(bytes)
        let plaintext = Message.ping(
            Ping(
                requestID: try RequestID(bytes: hex(try #require(vector.inputs.ping_req_id))),
                enrSeq: try #require(vector.inputs.ping_enr_seq)
            )
        ).encode()
        #expect(plaintext == hex(try #require(vector.derived_not_in_spec_text.message_pt)))
        let sealed = try PacketEncoder.seal(
            plaintext: plaintext,
            header: PacketHeader(nonce: hex(try #require(vector.inputs.nonce)), authData: packet.authData),
            maskingIV: hex(vector.derived_not_in_spec_text.masking_iv),
            destinationID: vectors.nodeB,
            key: hex(try #require(vector.inputs.read_key))
        )
        #expect(sealed == bytes)
    }

    @Test func whoAreYouBuilderReproducesSpecPacket() throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: "whoareyou_packet")
        let (packet, challengeData) = try PacketEncoder.whoAreYou(
            requestNonce: hex(try #require(vector.inputs.whoareyou_request_nonce)),
            idNonce: hex(try #require(vector.inputs.whoareyou_id_nonce)),
            enrSeq: try #require(vector.inputs.whoareyou_enr_seq),
            maskingIV: hex(vector.derived_not_in_spec_text.masking_iv),
            destinationID: vectors.nodeB
        )
        #expect(packet == hex(vector.packet))
        #expect(packet.count == PacketLimits.whoAreYouPacketSize)
        #expect(challengeData == hex(try #require(vector.inputs.whoareyou_challenge_data)))
    }

    @Test func handshakeBuilderWithOwnSignatureRoundTrips() throws {
        // Node A answers the spec's WHOAREYOU (enr-seq 0, so it must send its record) from its
        // keys alone: its own signature, record and session keys rebuild the spec packet.
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: "ping_handshake_packet_with_enr")
        let challengeData = hex(try #require(vector.inputs.whoareyou_challenge_data))
        let keyA = try Secp256k1.PrivateKey(hex: vectors.keys.node_a_key)
        let keyB = try Secp256k1.PrivateKey(hex: vectors.keys.node_b_key)
        let ephemeralKey = try Secp256k1.PrivateKey(hex: try #require(vector.inputs.ephemeral_key))
        let ephemeralPublic = ephemeralKey.publicKey.compressed
        #expect(ephemeralPublic == hex(try #require(vector.inputs.ephemeral_pubkey)))

        let keysA = SessionKeys.derive(
            ecdhSecret: try ephemeralKey.sharedSecret(with: keyB.publicKey),
            challengeData: challengeData,
            initiatorID: vectors.nodeA,
            recipientID: vectors.nodeB
        )
        let signature = IDSignature.sign(
            key: keyA,
            challengeData: challengeData,
            ephemeralPublicKey: ephemeralPublic,
            destinationID: vectors.nodeB
        )
        // libsecp256k1 signs deterministically (RFC 6979), as the spec's generator did.
        #expect(signature == hex(try #require(vector.derived_not_in_spec_text.id_signature)))
        var builder = ENRBuilder(seq: 1)
        builder.set("ip", .bytes([127, 0, 0, 1]))
        let record = try builder.sign(with: keyA)
        let authData = try HandshakeAuthData(
            sourceID: vectors.nodeA,
            idSignature: signature,
            ephemeralPublicKey: ephemeralPublic,
            record: record
        )
        let ping = Ping(requestID: try RequestID(bytes: hex("00000001")), enrSeq: 1)
        let bytes = try PacketEncoder.seal(
            plaintext: Message.ping(ping).encode(),
            header: PacketHeader(nonce: [UInt8](repeating: 0xff, count: 12), authData: .handshake(authData)),
            maskingIV: [UInt8](repeating: 0, count: 16),
            destinationID: vectors.nodeB,
            key: keysA.initiatorKey
        )
        #expect(bytes == hex(vector.packet))

        let packet = try PacketDecoder(localNodeID: vectors.nodeB).decode(bytes)
        #expect(packet.authData == .handshake(authData))
        let message = try packet.decryptMessage(key: keysA.initiatorKey)
        #expect(try Message.decode(message) == .ping(ping))
    }

    @Test func decoderForAnotherNodeSeesBadProtocolID() throws {
        let vectors = try WireVectors.load()
        let bytes = hex(try vectors.packet(named: "ping_message_packet").packet)
        #expect(throws: Discv5WireError(code: .badProtocolID)) {
            try PacketDecoder(localNodeID: vectors.nodeA).decode(bytes)
        }
    }
}
