// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import TestSupport
import Testing

/// The ECDH, key-derivation, id-nonce-signing and AES-GCM vectors.
@Suite struct HandshakeCryptoTests {
    @Test func ecdhVectorGivesCompressedSharedPoint() throws {
        let vector = try WireVectors.load().ecdh
        let key = try Secp256k1.PrivateKey(hex: vector.secret_key)
        let secret = try key.sharedSecret(with: Secp256k1.PublicKey(bytes: hex(vector.public_key)))
        #expect(secret == hex(vector.shared_secret))
    }

    @Test func keyDerivationVector() throws {
        let vector = try WireVectors.load().key_derivation
        let ephemeral = try Secp256k1.PrivateKey(hex: vector.ephemeral_key)
        let secret = try ephemeral.sharedSecret(with: Secp256k1.PublicKey(bytes: hex(vector.dest_pubkey)))
        let keys = SessionKeys.derive(
            ecdhSecret: secret,
            challengeData: hex(vector.challenge_data),
            initiatorID: try #require(NodeID(hex: vector.node_id_a)),
            recipientID: try #require(NodeID(hex: vector.node_id_b))
        )
        #expect(keys.initiatorKey == hex(vector.initiator_key))
        #expect(keys.recipientKey == hex(vector.recipient_key))
    }

    @Test func keyDerivationIsTheSameOnBothSides() throws {
        let vectors = try WireVectors.load()
        let vector = vectors.key_derivation
        let ephemeral = try Secp256k1.PrivateKey(hex: vector.ephemeral_key)
        let keyB = try Secp256k1.PrivateKey(hex: vectors.keys.node_b_key)
        #expect(keyB.publicKey.compressed == hex(vector.dest_pubkey))
        let recipientSide = SessionKeys.derive(
            ecdhSecret: try keyB.sharedSecret(with: ephemeral.publicKey),
            challengeData: hex(vector.challenge_data),
            initiatorID: try #require(NodeID(hex: vector.node_id_a)),
            recipientID: try #require(NodeID(hex: vector.node_id_b))
        )
        #expect(recipientSide.initiatorKey == hex(vector.initiator_key))
        #expect(recipientSide.recipientKey == hex(vector.recipient_key))
    }

    @Test func idNonceSigningVectorVerifies() throws {
        let vector = try WireVectors.load().id_nonce_signing
        let key = try Secp256k1.PrivateKey(hex: vector.static_key)
        let destination = try #require(NodeID(hex: vector.node_id_B))
        #expect(
            IDSignature.verify(
                signature: hex(vector.id_signature),
                publicKey: key.publicKey,
                challengeData: hex(vector.challenge_data),
                ephemeralPublicKey: hex(vector.ephemeral_pubkey),
                destinationID: destination
            )
        )
    }

    @Test func idNonceSigningIsDeterministicAndMatchesVector() throws {
        let vector = try WireVectors.load().id_nonce_signing
        let key = try Secp256k1.PrivateKey(hex: vector.static_key)
        let signature = IDSignature.sign(
            key: key,
            challengeData: hex(vector.challenge_data),
            ephemeralPublicKey: hex(vector.ephemeral_pubkey),
            destinationID: try #require(NodeID(hex: vector.node_id_B))
        )
        #expect(signature == hex(vector.id_signature))
    }

    @Test func idSignatureRejectsOtherDestinationOrChallenge() throws {
        let vectors = try WireVectors.load()
        let vector = vectors.id_nonce_signing
        let key = try Secp256k1.PrivateKey(hex: vector.static_key)
        var challenge = hex(vector.challenge_data)
        #expect(
            !IDSignature.verify(
                signature: hex(vector.id_signature),
                publicKey: key.publicKey,
                challengeData: challenge,
                ephemeralPublicKey: hex(vector.ephemeral_pubkey),
                destinationID: vectors.nodeA
            )
        )
        challenge[challenge.count - 1] ^= 1
        #expect(
            !IDSignature.verify(
                signature: hex(vector.id_signature),
                publicKey: key.publicKey,
                challengeData: challenge,
                ephemeralPublicKey: hex(vector.ephemeral_pubkey),
                destinationID: try #require(NodeID(hex: vector.node_id_B))
            )
        )
        #expect(
            !IDSignature.verify(
                signature: [1, 2, 3],
                publicKey: key.publicKey,
                challengeData: challenge,
                ephemeralPublicKey: hex(vector.ephemeral_pubkey),
                destinationID: vectors.nodeA
            )
        )
    }

    @Test func aesGCMVector() throws {
        let vector = try WireVectors.load().aes_gcm
        let cipher = try AES128GCM(key: hex(vector.encryption_key))
        let sealed = try cipher.seal(hex(vector.pt), nonce: hex(vector.nonce), authenticating: hex(vector.ad))
        #expect(sealed == hex(vector.message_ciphertext))
        #expect(try Message.decode(hex(vector.pt)) == .ping(Ping(requestID: try RequestID(bytes: [1]), enrSeq: 1)))
    }

    @Test func sealHelperAuthenticatesMaskingIVAndHeader() throws {
        // The vector's key and nonce through PacketEncoder.seal: the packet's message must be the
        // GCM encryption with AD = masking-iv || unmasked header, and open with the same.
        let vectors = try WireVectors.load()
        let vector = vectors.aes_gcm
        let header = try PacketHeader(nonce: hex(vector.nonce), authData: .ordinary(sourceID: vectors.nodeA))
        let iv = [UInt8](0..<16)
        let packet = try PacketEncoder.seal(
            plaintext: hex(vector.pt),
            header: header,
            maskingIV: iv,
            destinationID: vectors.nodeB,
            key: hex(vector.encryption_key)
        )
        let ad = try PacketEncoder.authenticatedData(header: header, maskingIV: iv)
        let expected = try AES128GCM.seal(
            key: hex(vector.encryption_key),
            nonce: hex(vector.nonce),
            plaintext: hex(vector.pt),
            ad: ad
        )
        #expect(Array(packet.suffix(expected.count)) == expected)
        let decoded = try PacketDecoder(localNodeID: vectors.nodeB).decode(packet)
        #expect(try decoded.decryptMessage(key: hex(vector.encryption_key)) == hex(vector.pt))
    }
}
