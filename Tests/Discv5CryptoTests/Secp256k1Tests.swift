// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import TestSupport
import Testing

@Suite struct Secp256k1Tests {
    /// The order n of the secp256k1 group.
    static let groupOrder = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"

    // MARK: Keys

    @Test func specKeysDeriveTheirPublishedPublicKeysAndNodeIDs() throws {
        let keys = try TestVectors.discv5().keys
        let derived = keys.derived_not_in_spec_text
        let rows = [
            (
                keys.node_a_key, derived.node_a_pubkey_compressed, derived.node_a_pubkey_uncompressed_xy,
                derived.node_a_id
            ),
            (
                keys.node_b_key, derived.node_b_pubkey_compressed, derived.node_b_pubkey_uncompressed_xy,
                derived.node_b_id
            ),
        ]
        for (secret, compressed, xy, nodeID) in rows {
            let publicKey = try Secp256k1.PrivateKey(hex: secret).publicKey
            #expect(Hex.encode(publicKey.compressed) == compressed)
            #expect(Hex.encode(publicKey.rawXY) == xy)
            #expect(Hex.encode(publicKey.uncompressed) == "04" + xy)
            // A "v4" node id is keccak256(x || y).
            #expect(Hex.encode(Keccak256.hash(publicKey.rawXY)) == nodeID)
        }
    }

    @Test func privateKeyRoundTripsThroughRawBytesAndHex() throws {
        let key = Secp256k1.PrivateKey()
        #expect(key.rawRepresentation.count == 32)
        #expect(try Secp256k1.PrivateKey(rawRepresentation: key.rawRepresentation) == key)
        #expect(try Secp256k1.PrivateKey(hex: key.hexString) == key)
        #expect(try Secp256k1.PrivateKey(hex: "0x" + key.hexString) == key)
        #expect(try Secp256k1.PrivateKey(rawRepresentation: key.rawRepresentation[...]).publicKey == key.publicKey)
    }

    @Test func freshKeysDiffer() {
        #expect(Secp256k1.PrivateKey() != Secp256k1.PrivateKey())
    }

    @Test func largestValidScalarIsAccepted() throws {
        // n - 1 is the largest valid secret key.
        #expect(throws: Never.self) {
            try Secp256k1.PrivateKey(hex: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")
        }
    }

    @Test(arguments: [
        ("zero", String(repeating: "0", count: 64)),
        ("group order n", groupOrder),
        ("n + 1", "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142"),
        ("all ones", String(repeating: "f", count: 64)),
    ])
    func rejectsScalarOutsideOneToOrderMinusOne(_ name: String, _ hex: String) {
        let error = #expect(throws: CryptoError.self) { try Secp256k1.PrivateKey(hex: hex) }
        #expect(error?.code == .invalidPrivateKey, "\(name)")
    }

    @Test(arguments: [0, 1, 31, 33, 64])
    func rejectsPrivateKeyOfWrongLength(_ count: Int) {
        let error = #expect(throws: CryptoError.self) {
            try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: count))
        }
        #expect(error?.code == .invalidKeyLength)
    }

    @Test func rejectsPrivateKeyWithNonHexText() {
        let error = #expect(throws: CryptoError.self) {
            try Secp256k1.PrivateKey(hex: String(repeating: "g", count: 64))
        }
        #expect(error?.code == .invalidHex)
    }

    @Test func descriptionNeverRevealsTheKey() throws {
        let key = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_a_key)
        let renderings = [key.description, key.debugDescription, "\(key)", String(reflecting: key), "\([key])"]
        for text in renderings {
            #expect(!text.contains(key.hexString))
            #expect(!text.contains(String(key.hexString.prefix(16))))
        }
        #expect(key.description == "PrivateKey(<redacted>)")
    }

    @Test func errorDescriptionsCarryNoKeyMaterial() throws {
        // n itself: the error must explain without echoing the bytes.
        let error = #expect(throws: CryptoError.self) { try Secp256k1.PrivateKey(hex: Self.groupOrder) }
        #expect(
            error.map { !$0.description.contains(Self.groupOrder) && !$0.description.contains("fffffffffffff") } == true
        )
    }

    // MARK: Public keys

    @Test func publicKeyParsesAllThreeEncodingsToTheSamePoint() throws {
        let publicKey = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_b_key).publicKey
        let fromCompressed = try Secp256k1.PublicKey(bytes: publicKey.compressed)
        let fromUncompressed = try Secp256k1.PublicKey(bytes: publicKey.uncompressed)
        let fromXY = try Secp256k1.PublicKey(bytes: publicKey.rawXY)
        #expect(fromCompressed == publicKey)
        #expect(fromUncompressed == publicKey)
        #expect(fromXY == publicKey)
        #expect(Set([fromCompressed, fromUncompressed, fromXY]).count == 1)
        #expect(publicKey.description == "PublicKey(\(Hex.encode(publicKey.compressed)))")
    }

    @Test func rejectsMalformedPublicKeys() throws {
        let good = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_a_key).publicKey
        var offCurve = good.uncompressed
        offCurve[64] ^= 0x01
        var badPrefix = good.compressed
        badPrefix[0] = 0x05
        var hybrid = good.uncompressed
        hybrid[0] = 0x06 | (good.rawXY[63] & 1)
        let xNotOnCurve = [0x02] + [UInt8](repeating: 0, count: 31) + [0x05]  // x = 5: 5³ + 7 = 132 is no square mod p
        let cases: [[UInt8]] = [
            [], [0x02], Array(good.compressed.dropLast()), offCurve, badPrefix, hybrid, xNotOnCurve,
            [UInt8](repeating: 0, count: 64), good.uncompressed + [0],
        ]
        for bytes in cases {
            let error = #expect(throws: CryptoError.self) { try Secp256k1.PublicKey(bytes: bytes) }
            #expect(error?.code == .invalidPublicKey, "\(Hex.encode(bytes))")
        }
    }

    // MARK: ECDH

    @Test func ecdhMatchesSpecVector() throws {
        let vector = try TestVectors.discv5().ecdh
        let secretKey = try Secp256k1.PrivateKey(hex: vector.secret_key)
        let publicKey = try Secp256k1.PublicKey(bytes: bytes(vector.public_key))
        let shared = try secretKey.sharedSecret(with: publicKey)
        #expect(shared.count == 33)
        #expect(Hex.encode(shared) == vector.shared_secret)
    }

    @Test func ecdhIsSymmetric() throws {
        let alice = Secp256k1.PrivateKey()
        let bob = Secp256k1.PrivateKey()
        let ab = try alice.sharedSecret(with: bob.publicKey)
        #expect(ab == (try bob.sharedSecret(with: alice.publicKey)))
        #expect(ab[0] == 0x02 || ab[0] == 0x03)
    }

    // MARK: ECDSA

    @Test func signatureIsDeterministicLowSAndVerifies() throws {
        let key = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_a_key)
        let digest = Keccak256.hash(Array("discv5".utf8))
        let signature = try key.signature(forDigest: digest)
        #expect(signature.count == 64)
        #expect(try key.signature(forDigest: digest) == signature)
        // s is at most n/2: its top byte is below 0x80.
        #expect(signature[32] < 0x80)
        #expect(key.publicKey.isValidSignature(signature, forDigest: digest))
    }

    @Test func verifyRejectsTamperedDigestSignatureAndWrongKey() throws {
        let key = Secp256k1.PrivateKey()
        let digest = SHA256.hash(Array("message".utf8))
        let signature = try key.signature(forDigest: digest)
        var otherDigest = digest
        otherDigest[0] ^= 0x01
        var otherSignature = signature
        otherSignature[10] ^= 0x01
        #expect(!key.publicKey.isValidSignature(signature, forDigest: otherDigest))
        #expect(!key.publicKey.isValidSignature(otherSignature, forDigest: digest))
        #expect(!Secp256k1.PrivateKey().publicKey.isValidSignature(signature, forDigest: digest))
    }

    @Test func verifyReturnsFalseForMalformedInput() throws {
        let key = Secp256k1.PrivateKey()
        let digest = SHA256.hash([UInt8]())
        let signature = try key.signature(forDigest: digest)
        #expect(!key.publicKey.isValidSignature(signature.dropLast(), forDigest: digest))
        #expect(!key.publicKey.isValidSignature(signature + [0x01], forDigest: digest))
        #expect(!key.publicKey.isValidSignature(signature, forDigest: digest.dropLast()))
        #expect(!key.publicKey.isValidSignature([UInt8](), forDigest: [UInt8]()))
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 64), forDigest: digest))
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0xFF, count: 64), forDigest: digest))
    }

    @Test func verifyRejectsTheHighSTwinOfAValidSignature() throws {
        let key = Secp256k1.PrivateKey()
        let digest = SHA256.hash(Array("malleable".utf8))
        let signature = try key.signature(forDigest: digest)
        let highS = Array(signature[..<32]) + (try subtractFromOrder(Array(signature[32...])))
        #expect(highS != signature)
        #expect(!key.publicKey.isValidSignature(highS, forDigest: digest))
    }

    @Test(arguments: [0, 31, 33])
    func signingRejectsDigestOfWrongLength(_ count: Int) {
        let error = #expect(throws: CryptoError.self) {
            try Secp256k1.PrivateKey().signature(forDigest: [UInt8](repeating: 7, count: count))
        }
        #expect(error?.code == .invalidDigestLength)
    }

    /// n − s, big-endian, for 0 < s < n.
    private func subtractFromOrder(_ s: [UInt8]) throws -> [UInt8] {
        let order = try Hex.decode(Self.groupOrder)
        var result = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for index in stride(from: 31, through: 0, by: -1) {
            var difference = Int(order[index]) - Int(s[index]) - borrow
            borrow = difference < 0 ? 1 : 0
            if difference < 0 { difference += 256 }
            result[index] = UInt8(difference)
        }
        return result
    }
}
