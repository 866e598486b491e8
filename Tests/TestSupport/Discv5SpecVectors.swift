// SPDX-License-Identifier: Apache-2.0

/// The blocks of the devp2p discv5 wire test vectors (ethereum/devp2p `discv5/discv5-wire-test-vectors.md`)
/// that more than one vector file carries: `discv5-crypto.json` (Discv5CryptoTests), `discv5-wire.json`
/// (Discv5WireTests) and `enr-vectors.json` (ENRTests). Each target's `Vectors/PROVENANCE.md` gives the
/// commit they were copied from.
public enum Discv5SpecVectors {
    /// The spec's node keys A and B. `derived_not_in_spec_text` (public keys, node ids) was computed from the
    /// spec's secret keys, not quoted from it.
    public struct Keys: Decodable, Sendable {
        public struct Derived: Decodable, Sendable {
            public let node_a_pubkey_compressed: String
            public let node_b_pubkey_compressed: String
            public let node_a_pubkey_uncompressed_xy: String
            public let node_b_pubkey_uncompressed_xy: String
            public let node_a_id: String
            public let node_b_id: String
        }
        public let node_a_key: String
        public let node_b_key: String
        public let derived_not_in_spec_text: Derived
    }

    /// The ECDH vector.
    public struct ECDH: Decodable, Sendable {
        public let public_key: String
        public let secret_key: String
        public let shared_secret: String
    }

    /// The key-derivation vector.
    public struct KeyDerivation: Decodable, Sendable {
        public let ephemeral_key: String
        public let dest_pubkey: String
        public let node_id_a: String
        public let node_id_b: String
        public let challenge_data: String
        public let initiator_key: String
        public let recipient_key: String
    }

    /// The id-nonce signing vector.
    public struct IDNonceSigning: Decodable, Sendable {
        public let static_key: String
        public let challenge_data: String
        public let ephemeral_pubkey: String
        public let node_id_B: String
        public let id_signature: String
    }

    /// The AES-GCM message encryption vector.
    public struct AESGCM: Decodable, Sendable {
        public let encryption_key: String
        public let nonce: String
        public let pt: String
        public let ad: String
        public let message_ciphertext: String
    }
}
