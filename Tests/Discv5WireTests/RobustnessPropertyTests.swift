// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import TestSupport
import Testing

/// Seeded random inputs: the decoders either succeed or throw ``Discv5WireError``; they never
/// trap (a trap would abort the test process).
@Suite struct RobustnessPropertyTests {
    @Test func randomDatagramsNeverTrap() throws {
        let vectors = try WireVectors.load()
        let decoder = PacketDecoder(localNodeID: vectors.nodeB)
        var rng = SplitMix64(seed: 0x5eed_0001)
        var decoded = 0
        for _ in 0..<4000 {
            let count = Int.random(in: 0...1400, using: &rng)
            if (try? decoder.decode(rng.bytes(count: count))) != nil { decoded += 1 }
        }
        // A random header passes the 6-byte protocol-id check with probability 2^-48.
        #expect(decoded == 0)
    }

    @Test func randomHeadersBehindAValidProtocolIDNeverTrap() throws {
        // Past the protocol-id check, so the flag, size and authdata paths see random data.
        let vectors = try WireVectors.load()
        let decoder = PacketDecoder(localNodeID: vectors.nodeB)
        let mask = HeaderMask(nodeID: vectors.nodeB)
        var rng = SplitMix64(seed: 0x5eed_0002)
        var accepted = 0
        for _ in 0..<4000 {
            let count = Int.random(in: 63...1280, using: &rng)
            var bytes = rng.bytes(count: count)
            bytes.replaceSubrange(16..<22, with: Array("discv5".utf8))
            bytes[22] = 0
            bytes[23] = UInt8.random(in: 0...3, using: &rng) == 0 ? 2 : 1
            bytes[24] = UInt8.random(in: 0...3, using: &rng)
            let authSize = Int.random(in: 0...300, using: &rng)
            bytes[37] = UInt8(authSize >> 8)
            bytes[38] = UInt8(authSize & 0xff)
            if bytes[24] == 2, count > 72 {
                bytes[71] = Bool.random(using: &rng) ? 64 : UInt8.random(in: 0...255, using: &rng)
                bytes[72] = Bool.random(using: &rng) ? 33 : UInt8.random(in: 0...255, using: &rng)
            }
            let headerEnd = min(count, 39 + authSize)
            try bytes.withUnsafeMutableBytes { buffer in
                try mask.apply(
                    UnsafeMutableRawBufferPointer(rebasing: buffer[16..<headerEnd]),
                    iv: UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<16]))
                )
            }
            do {
                let packet = try decoder.decode(bytes)
                accepted += 1
                #expect(packet.authenticatedData.count + packet.messageCiphertext.count == count)
                _ = try? packet.decryptMessage(key: [UInt8](repeating: 0, count: 16))
            } catch {
                // Any Discv5WireError is fine; the type is enforced by the typed throw.
            }
        }
        #expect(accepted > 0)
    }

    @Test(arguments: WireVectors.packetNames)
    func mutatedSpecPacketsNeverTrap(name: String) throws {
        let vectors = try WireVectors.load()
        let vector = try vectors.packet(named: name)
        let original = hex(vector.packet)
        let decoder = PacketDecoder(localNodeID: vectors.nodeB)
        let cipher = try AES128GCM(key: hex(vector.inputs.read_key ?? "00000000000000000000000000000000"))
        var rng = SplitMix64(seed: 0x5eed_0003 &+ UInt64(original.count))
        for _ in 0..<1500 {
            var bytes = original
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let index = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[index] ^= UInt8.random(in: 1...255, using: &rng)
                }
            case 1:
                bytes.removeLast(Int.random(in: 1...min(40, bytes.count), using: &rng))
            case 2:
                bytes += rng.bytes(count: Int.random(in: 1...64, using: &rng))
            default:
                // Flip bits inside the masked header only, where the parser reads.
                let index = Int.random(in: 16..<min(bytes.count, 16 + 23 + 40), using: &rng)
                bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &rng)
            }
            guard let packet = try? decoder.decode(bytes) else { continue }
            if let plaintext = try? packet.decryptMessage(using: cipher) {
                _ = try? Message.decode(plaintext)
            }
        }
    }

    @Test func randomPlaintextsNeverTrap() throws {
        var rng = SplitMix64(seed: 0x5eed_0004)
        let seeds = try MessageCodecTests.sampleMessages().map { $0.encode() }
        for iteration in 0..<6000 {
            var plaintext: [UInt8]
            if iteration % 2 == 0 {
                plaintext =
                    [UInt8.random(in: 1...6, using: &rng)] + rng.bytes(count: Int.random(in: 0...80, using: &rng))
            } else {
                plaintext = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let index = Int.random(in: 0..<plaintext.count, using: &rng)
                    plaintext[index] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) {
                    plaintext.removeLast(Int.random(in: 0..<plaintext.count, using: &rng))
                }
            }
            if let message = try? Message.decode(plaintext), case .ignoredTopicMessage = message {
                continue
            } else if var message = try? Message.decode(plaintext) {
                // Whatever decodes re-encodes to something that decodes to the same value
                // (skipped invalid records are not re-encoded, so their count resets).
                if case .nodes(var nodes) = message {
                    nodes.invalidRecordCount = 0
                    message = .nodes(nodes)
                }
                #expect(try Message.decode(message.encode()) == message)
            }
        }
    }
}
