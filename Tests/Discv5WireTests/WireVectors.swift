// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import Foundation
import Testing

/// The vectors of `Vectors/discv5-wire.json` (see `Vectors/PROVENANCE.md`).
struct WireVectors: Decodable {
    struct Keys: Decodable {
        struct Derived: Decodable {
            let node_a_id: String
            let node_b_id: String
            let node_a_pubkey_compressed: String
        }
        let node_a_key: String
        let node_b_key: String
        let derived_not_in_spec_text: Derived
    }

    struct PacketVector: Decodable {
        struct Inputs: Decodable {
            let src_node_id: String
            let dest_node_id: String
            let nonce: String?
            let read_key: String?
            let ping_req_id: String?
            let ping_enr_seq: UInt64?
            let whoareyou_challenge_data: String?
            let whoareyou_request_nonce: String?
            let whoareyou_id_nonce: String?
            let whoareyou_enr_seq: UInt64?
            let ephemeral_key: String?
            let ephemeral_pubkey: String?
        }
        struct Derived: Decodable {
            let masking_iv: String
            let static_header: String
            let authdata_size: Int
            let authdata: String
            let message_ad: String?
            let message_ciphertext: String
            let message_pt: String?
            let id_signature: String?
            let eph_pubkey: String?
            let record: String?
            let initiator_key: String?
            let recipient_key: String?
        }
        let name: String
        let flag: UInt8
        let inputs: Inputs
        let packet: String
        let packet_len: Int
        let derived_not_in_spec_text: Derived
    }

    struct PacketEncodings: Decodable {
        let vectors: [PacketVector]
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

    struct ENRExample: Decodable {
        let text: String
    }

    let keys: Keys
    let packet_encodings: PacketEncodings
    let ecdh: ECDH
    let key_derivation: KeyDerivation
    let id_nonce_signing: IDNonceSigning
    let aes_gcm: AESGCM
    let enr_example: ENRExample

    /// The names of the four spec packets, the arguments of the parameterised packet tests.
    static let packetNames = [
        "ping_message_packet", "whoareyou_packet", "ping_handshake_packet", "ping_handshake_packet_with_enr",
    ]

    static func load() throws -> WireVectors {
        let url = try #require(
            Bundle.module.url(forResource: "discv5-wire", withExtension: "json", subdirectory: "Vectors")
        )
        return try JSONDecoder().decode(WireVectors.self, from: Data(contentsOf: url))
    }

    func packet(named name: String) throws -> PacketVector {
        try #require(packet_encodings.vectors.first { $0.name == name })
    }

    var nodeA: NodeID { NodeID(hex: keys.derived_not_in_spec_text.node_a_id)! }
    var nodeB: NodeID { NodeID(hex: keys.derived_not_in_spec_text.node_b_id)! }
}

/// Hex to bytes for test literals; a malformed literal is a bug in the test.
func hex(_ string: String) -> [UInt8] {
    try! Hex.decode(string)
}

/// A small deterministic PRNG (SplitMix64) so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}
