// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import Foundation
import TestSupport
import Testing

/// The vectors of `Vectors/discv5-wire.json` (see `Vectors/PROVENANCE.md`).
struct WireVectors: Decodable {
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

    struct ENRExample: Decodable {
        let text: String
    }

    let keys: Discv5SpecVectors.Keys
    let packet_encodings: PacketEncodings
    let ecdh: Discv5SpecVectors.ECDH
    let key_derivation: Discv5SpecVectors.KeyDerivation
    let id_nonce_signing: Discv5SpecVectors.IDNonceSigning
    let aes_gcm: Discv5SpecVectors.AESGCM
    let enr_example: ENRExample

    /// The names of the four spec packets, the arguments of the parameterised packet tests.
    static let packetNames = [
        "ping_message_packet", "whoareyou_packet", "ping_handshake_packet", "ping_handshake_packet_with_enr",
    ]

    static func load() throws -> WireVectors {
        try VectorFile.load(WireVectors.self, named: "discv5-wire", in: .module)
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
