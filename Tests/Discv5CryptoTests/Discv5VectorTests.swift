// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import TestSupport
import Testing

/// The cryptographic vectors of `discv5-wire-test-vectors.md`, composed from this module's
/// primitives the way a handshake uses them.
@Suite struct Discv5VectorTests {
    @Test func keyDerivationReproducesInitiatorAndRecipientKeys() throws {
        let vector = try TestVectors.discv5().key_derivation
        let ephemeral = try Secp256k1.PrivateKey(hex: vector.ephemeral_key)
        let destination = try Secp256k1.PublicKey(bytes: bytes(vector.dest_pubkey))
        let secret = try ephemeral.sharedSecret(with: destination)
        // The spec's order: the challenge data is the salt, the ECDH secret the key material.
        let prk = HKDF.extract(salt: try bytes(vector.challenge_data), inputKeyMaterial: secret)
        let info =
            Array("discovery v5 key agreement".utf8) + (try bytes(vector.node_id_a)) + (try bytes(vector.node_id_b))
        let keyData = HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: 32)
        #expect(Hex.encode(keyData[..<16]) == vector.initiator_key)
        #expect(Hex.encode(keyData[16...]) == vector.recipient_key)
    }

    @Test func idNonceSignatureVerifiesAndIsReproducedExactly() throws {
        let vector = try TestVectors.discv5().id_nonce_signing
        let staticKey = try Secp256k1.PrivateKey(hex: vector.static_key)
        let input =
            Array("discovery v5 identity proof".utf8)
            + (try bytes(vector.challenge_data))
            + (try bytes(vector.ephemeral_pubkey))
            + (try bytes(vector.node_id_B))
        let digest = SHA256.hash(input)
        let expected = try bytes(vector.id_signature)
        #expect(staticKey.publicKey.isValidSignature(expected, forDigest: digest))
        // libsecp256k1's RFC 6979 nonce is what the spec vector was made with.
        #expect(try staticKey.signature(forDigest: digest) == expected)
    }

    @Test func aesGCMMessageEncryptionMatchesSpec() throws {
        let vector = try TestVectors.discv5().aes_gcm
        let sealed = try AES128GCM.seal(
            key: bytes(vector.encryption_key),
            nonce: bytes(vector.nonce),
            plaintext: bytes(vector.pt),
            ad: bytes(vector.ad)
        )
        #expect(Hex.encode(sealed) == vector.message_ciphertext)
        let opened = try AES128GCM.open(
            key: bytes(vector.encryption_key),
            nonce: bytes(vector.nonce),
            ciphertextAndTag: sealed,
            ad: bytes(vector.ad)
        )
        #expect(Hex.encode(opened) == vector.pt)
    }
}
