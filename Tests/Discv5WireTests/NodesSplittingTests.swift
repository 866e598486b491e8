// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import RLP
import TestSupport
import Testing

/// NODES responses split to fit 1280-byte packets.
@Suite struct NodesSplittingTests {
    /// A record padded with an extra key to exactly `size` bytes (at most 300).
    static func record(seed: UInt8, size: Int) throws -> ENR {
        let key = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
        var builder = ENRBuilder(seq: 1)
        builder.setUDPEndpoint(try #require(IPAddress(bytes: [10, 0, 0, seed])), port: 30303)
        let base = try builder.sign(with: key).encoded.count
        // Pad with a "zz" entry; headers grow with the payload, so try lengths near the estimate.
        let estimate = size - base - 5
        for padding in max(0, estimate - 4)...max(0, estimate + 4) {
            builder.set("zz", .bytes([UInt8](repeating: 0x61, count: padding)))
            let record = try builder.sign(with: key)
            if record.encoded.count == size { return record }
        }
        Issue.record("could not build a \(size)-byte record")
        return try builder.sign(with: key)
    }

    /// Seals each message as an ordinary packet and checks it fits and decodes.
    func sealAll(_ messages: [Nodes]) throws -> [[UInt8]] {
        let vectors = try WireVectors.load()
        let header = try PacketHeader(
            nonce: [UInt8](repeating: 9, count: 12),
            authData: .ordinary(sourceID: vectors.nodeA)
        )
        return try messages.map { nodes in
            try PacketEncoder.seal(
                plaintext: Message.nodes(nodes).encode(),
                header: header,
                maskingIV: [UInt8](repeating: 8, count: 16),
                destinationID: vectors.nodeB,
                key: [UInt8](repeating: 7, count: 16)
            )
        }
    }

    @Test func sixteenMaximumSizeRecordsFitInPackets() throws {
        let records = try (1...16).map { try Self.record(seed: UInt8($0), size: 300) }
        #expect(records.allSatisfy { $0.encoded.count == 300 })
        let messages = Nodes.split(requestID: RequestID(42), records: records)
        // Three 300-byte records fit in 1193 bytes of plaintext; four do not.
        #expect(messages.count == 6)
        #expect(messages.allSatisfy { $0.total == UInt64(messages.count) })
        #expect(messages.flatMap(\.records) == records)
        for packet in try sealAll(messages) {
            #expect(packet.count <= PacketLimits.maximumPacketSize)
        }
    }

    @Test func mixedRecordsFillPacketsCloseToTheLimit() throws {
        let sizes = [150, 300, 180, 250, 300, 140, 200, 300, 160, 145, 300, 220, 299, 298]
        let records = try sizes.enumerated().map { try Self.record(seed: UInt8($0.offset + 1), size: $0.element) }
        let messages = Nodes.split(requestID: try RequestID(bytes: [1, 2, 3, 4, 5, 6, 7, 8]), records: records)
        #expect(messages.flatMap(\.records) == records)
        let packets = try sealAll(messages)
        for (index, packet) in packets.enumerated() {
            #expect(packet.count <= PacketLimits.maximumPacketSize)
            if index + 1 < messages.count {
                // Greedy: the next record would not have fitted.
                let next = messages[index + 1].records[0].encoded.count
                #expect(packet.count + next > PacketLimits.maximumPacketSize)
            }
        }
        let decoder = PacketDecoder(localNodeID: try WireVectors.load().nodeB)
        for (packet, nodes) in zip(packets, messages) {
            let message = try decoder.decode(packet).openMessage(
                using: AES128GCM(key: [UInt8](repeating: 7, count: 16))
            )
            #expect(message == .nodes(nodes))
        }
    }

    @Test func emptyResultIsOneMessageWithTotalOne() {
        let messages = Nodes.split(requestID: RequestID(1), records: [])
        #expect(messages == [Nodes(requestID: RequestID(1), total: 1, records: [])])
    }

    @Test func smallerBudgetMakesMorePackets() throws {
        let records = try (1...6).map { try Self.record(seed: UInt8($0), size: 200) }
        let messages = Nodes.split(
            requestID: RequestID(1),
            records: records,
            maximumMessageSize: PacketLimits.maximumHandshakeWithRecordMessageSize
        )
        #expect(
            messages.allSatisfy {
                Message.nodes($0).encode().count <= PacketLimits.maximumHandshakeWithRecordMessageSize
            }
        )
        #expect(messages.count == 2)
        #expect(messages.allSatisfy { $0.total == 2 })
    }
}
