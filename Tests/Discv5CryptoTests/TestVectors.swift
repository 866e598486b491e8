// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Foundation

/// Loads the JSON vector files bundled in `Vectors/` (see `Vectors/PROVENANCE.md`).
enum TestVectors {
    struct MissingResource: Error, CustomStringConvertible {
        let name: String
        var description: String { "missing test resource Vectors/\(name).json" }
    }

    static func load<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw MissingResource(name: name)
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }

    static func standard() throws -> Standard {
        try load(Standard.self, from: "standard-vectors")
    }

    static func discv5() throws -> Discv5 {
        try load(Discv5.self, from: "discv5-crypto")
    }

    // MARK: standard-vectors.json

    struct Standard: Decodable {
        struct Table<Row: Decodable>: Decodable {
            let vectors: [Row]
        }
        let keccak256: Table<DigestRow>
        let sha256: Table<DigestRow>
        let hmac_sha256: Table<HMACRow>
        let hkdf_sha256: Table<HKDFRow>
        let aes128gcm: Table<GCMRow>
        let aes128ctr: Table<CTRRow>
    }

    struct DigestRow: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let message: String
        let digest: String
        var description: String { name }
    }

    struct HMACRow: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let key: String
        let data: String
        let mac: String
        var description: String { name }
    }

    struct HKDFRow: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let ikm: String
        let salt: String
        let info: String
        let length: Int
        let prk: String
        let okm: String
        var description: String { name }
    }

    struct GCMRow: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let key: String
        let nonce: String
        let plaintext: String
        let ad: String
        let ciphertext: String
        let tag: String
        var description: String { name }
    }

    struct CTRRow: Decodable, Sendable, CustomStringConvertible {
        let name: String
        let key: String
        let iv: String
        let plaintext: String
        let ciphertext: String
        var description: String { name }
    }

    // MARK: discv5-crypto.json

    struct Discv5: Decodable {
        struct Keys: Decodable {
            struct Derived: Decodable {
                let node_a_pubkey_compressed: String
                let node_b_pubkey_compressed: String
                let node_a_pubkey_uncompressed_xy: String
                let node_b_pubkey_uncompressed_xy: String
                let node_a_id: String
                let node_b_id: String
            }
            let node_a_key: String
            let node_b_key: String
            let derived_not_in_spec_text: Derived
        }
        struct ECDH: Decodable {
            let public_key: String
            let secret_key: String
            let shared_secret: String
        }
        struct KeyDerivation: Decodable {
            let ephemeral_key: String
            let dest_pubkey: String
            let node_id_a: String
            let node_id_b: String
            let challenge_data: String
            let initiator_key: String
            let recipient_key: String
        }
        struct IDNonceSigning: Decodable {
            let static_key: String
            let challenge_data: String
            let ephemeral_pubkey: String
            let node_id_B: String
            let id_signature: String
        }
        struct AESGCM: Decodable {
            let encryption_key: String
            let nonce: String
            let pt: String
            let ad: String
            let message_ciphertext: String
        }
        let keys: Keys
        let ecdh: ECDH
        let key_derivation: KeyDerivation
        let id_nonce_signing: IDNonceSigning
        let aes_gcm: AESGCM
    }
}

/// Decodes hex from a vector file; a malformed vector fails the test that uses it.
func bytes(_ hex: String) throws -> [UInt8] {
    try Hex.decode(hex)
}
