// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import Foundation
import RLP
import TestSupport
import Testing

/// The vectors of `Vectors/enr-vectors.json` (see PROVENANCE.md there).
struct ENRVectors: Decodable {
    struct Example: Decodable {
        let text: String
        let rlp: String
        let private_key: String
        let expected_node_id: String
        let seq: UInt64
        let signature: String
    }
    let enr_example: Example
    let keys: Discv5SpecVectors.Keys

    static func load() throws -> ENRVectors {
        try VectorFile.load(ENRVectors.self, named: "enr-vectors", in: .module)
    }
}

@Suite struct ENRVectorTests {
    @Test func exampleRecordDecodesAndVerifies() throws {
        let vectors = try ENRVectors.load()
        let record = try ENR(text: vectors.enr_example.text)
        #expect(record.nodeID.hexString == vectors.enr_example.expected_node_id)
        #expect(record.nodeID.hexString == "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7")
        #expect(record.seq == 1)
        #expect(record.ip == IPAddress("127.0.0.1"))
        #expect(record.udp == 30303)
        #expect(record.tcp == nil)
        #expect(record.identityScheme == "v4")
        #expect(Hex.encode(record.signature) == vectors.enr_example.signature)
        #expect(Hex.encode(record.encoded) == vectors.enr_example.rlp)
        #expect(record.text == vectors.enr_example.text)
        #expect(record.pairs.map(\.keyText) == ["id", "ip", "secp256k1", "udp"])
    }

    @Test func exampleRecordPublicKeyMatchesItsPrivateKey() throws {
        let vectors = try ENRVectors.load()
        let record = try ENR(text: vectors.enr_example.text)
        let key = try Secp256k1.PrivateKey(hex: vectors.enr_example.private_key)
        #expect(record.publicKey == key.publicKey)
    }

    @Test func signingTheExampleContentGivesAVerifiableEquivalentRecord() throws {
        let vectors = try ENRVectors.load()
        let key = try Secp256k1.PrivateKey(hex: vectors.enr_example.private_key)
        var builder = ENRBuilder(seq: 1)
        builder.setUDPEndpoint(try #require(IPAddress("127.0.0.1")), port: 30303)
        let record = try builder.sign(with: key)
        let example = try ENR(text: vectors.enr_example.text)
        // Same content; the signature may differ only if the signer's nonce differs.
        #expect(record.pairs == example.pairs)
        #expect(record.nodeID == example.nodeID)
        #expect(try ENR(text: record.text) == record)
    }

    @Test func nodeIdentifiersOfTheDiscv5TestKeys() throws {
        let keys = try ENRVectors.load().keys
        let a = try Secp256k1.PrivateKey(hex: keys.node_a_key)
        let b = try Secp256k1.PrivateKey(hex: keys.node_b_key)
        #expect(NodeID(publicKey: a.publicKey).hexString == keys.derived_not_in_spec_text.node_a_id)
        #expect(NodeID(publicKey: b.publicKey).hexString == keys.derived_not_in_spec_text.node_b_id)
        #expect(Hex.encode(a.publicKey.compressed) == keys.derived_not_in_spec_text.node_a_pubkey_compressed)
    }
}
