// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import ENR
import TestSupport

/// A key, record and endpoint for one test node.
struct TestNode {
    let key: Secp256k1.PrivateKey
    let record: ENR
    let endpoint: NodeEndpoint

    var nodeID: NodeID { record.nodeID }
    var contact: NodeContact { NodeContact(record: record, endpoint: endpoint) }

    /// A node with a key derived from `seed` and a record advertising `port` on 127.0.0.1.
    init(seed: UInt8, port: UInt16, seq: UInt64 = 1, advertised: NodeEndpoint? = nil) {
        var raw = [UInt8](repeating: 0x11, count: 32)
        raw[31] = seed
        raw[0] = seed
        key = try! Secp256k1.PrivateKey(rawRepresentation: raw)
        endpoint = NodeEndpoint(ip: IPAddress("127.0.0.1")!, port: port)
        let shown = advertised ?? endpoint
        var builder = ENRBuilder(seq: seq)
        builder.setUDPEndpoint(shown.ip, port: shown.port)
        record = try! builder.sign(with: key)
    }

    /// A node from an explicit key (for generated record sets).
    init(key: Secp256k1.PrivateKey, port: UInt16) {
        self.key = key
        endpoint = NodeEndpoint(ip: IPAddress("10.0.0.1")!, port: port)
        var builder = ENRBuilder(seq: 1)
        builder.setUDPEndpoint(endpoint.ip, port: endpoint.port)
        record = try! builder.sign(with: key)
    }

    func machine(
        configuration: Discv5Configuration = Discv5Configuration(),
        seed: UInt64,
        findNodeResponder: @escaping ([UInt16]) -> [ENR] = { _ in [] },
        recordLookup: @escaping (NodeID) -> ENR? = { _ in nil }
    ) -> Discv5Protocol {
        Discv5Protocol(
            configuration: configuration,
            privateKey: key,
            localRecord: record,
            now: .zero,
            random: SplitMix64(seed: seed),
            findNodeResponder: findNodeResponder,
            recordLookup: recordLookup
        )
    }
}
