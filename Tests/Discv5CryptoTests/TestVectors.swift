// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Foundation
import TestSupport

/// Loads the JSON vector files bundled in `Vectors/` (see `Vectors/PROVENANCE.md`).
enum TestVectors {
    static func standard() throws -> Standard {
        try VectorFile.load(Standard.self, named: "standard-vectors", in: .module)
    }

    static func discv5() throws -> Discv5 {
        try VectorFile.load(Discv5.self, named: "discv5-crypto", in: .module)
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

    /// The discv5 spec blocks of `discv5-crypto.json` (their types are shared with the other discv5 vector files).
    struct Discv5: Decodable {
        let keys: Discv5SpecVectors.Keys
        let ecdh: Discv5SpecVectors.ECDH
        let key_derivation: Discv5SpecVectors.KeyDerivation
        let id_nonce_signing: Discv5SpecVectors.IDNonceSigning
        let aes_gcm: Discv5SpecVectors.AESGCM
    }
}

/// Decodes hex from a vector file; a malformed vector fails the test that uses it.
func bytes(_ hex: String) throws -> [UInt8] {
    try Hex.decode(hex)
}
