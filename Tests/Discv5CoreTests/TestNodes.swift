// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import ENR
import TestSupport

/// Deterministic keys and signed records for the tests.
enum TestNodes {
    /// A private key derived from a seed.
    static func key(seed: UInt64) throws -> Secp256k1.PrivateKey {
        var rng = SplitMix64(seed: seed)
        while true {
            let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: rng.next()) { Array($0) } }
            if let key = try? Secp256k1.PrivateKey(rawRepresentation: bytes) { return key }
        }
    }

    /// A signed record with a UDP endpoint.
    static func record(seed: UInt64, ip: [UInt8], port: UInt16 = 30303, seq: UInt64 = 1) throws -> ENR {
        try record(key: key(seed: seed), ip: ip, port: port, seq: seq)
    }

    /// A signed record with a UDP endpoint for a given key.
    static func record(key: Secp256k1.PrivateKey, ip: [UInt8], port: UInt16 = 30303, seq: UInt64 = 1) throws -> ENR {
        var builder = ENRBuilder(seq: seq)
        builder.setUDPEndpoint(IPAddress(bytes: ip)!, port: port)
        return try builder.sign(with: key)
    }

    /// A distinct public IPv4 /24 per index (44.a.b.1).
    static func distinctIPv4(_ index: Int) -> [UInt8] {
        [44, UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index), 1]
    }

    /// 400 records, each in its own /24, built once for all tests.
    static let pool: [ENR] = (0..<400).map { index in
        // Keys from fixed seeds are valid; a failure here is a broken test helper.
        try! record(seed: 0x5EED_0000 + UInt64(index), ip: distinctIPv4(index))
    }

    /// A random node identifier.
    static func randomID(using rng: inout SplitMix64) -> NodeID {
        NodeID(words: (rng.next(), rng.next(), rng.next(), rng.next()))
    }

    /// `id` with bit `bit` (0 = least significant) flipped: log-distance `bit + 1` from `id`.
    static func flipping(_ id: NodeID, bit: Int) -> NodeID {
        var words = [id.words.0, id.words.1, id.words.2, id.words.3]
        words[3 - bit / 64] ^= 1 << UInt64(bit % 64)
        return NodeID(words: (words[0], words[1], words[2], words[3]))
    }

    /// Records (fresh keys from `firstSeed` on) whose node lies at `distance` from `local`.
    static func records(
        count: Int,
        atDistance distance: Int,
        from local: NodeID,
        firstSeed: UInt64,
        ip: (Int) -> [UInt8]
    ) throws -> [ENR] {
        var result: [ENR] = []
        var seed = firstSeed
        while result.count < count {
            let key = try key(seed: seed)
            seed += 1
            guard local.logDistance(to: NodeID(publicKey: key.publicKey)) == distance else { continue }
            result.append(try record(key: key, ip: ip(result.count)))
        }
        return result
    }

    /// Pool records at `distance` from `local`.
    static func poolRecords(atDistance distance: Int, from local: NodeID) -> [ENR] {
        pool.filter { local.logDistance(to: $0.nodeID) == distance }
    }
}
