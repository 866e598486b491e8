// SPDX-License-Identifier: Apache-2.0

import Benchmark
import Discv5Crypto
import Discv5Wire
import ENR
import RLP
import UTP

/// A fixed key (no randomness) so every run measures the same bytes.
func benchmarkKey(_ seed: UInt8) -> Secp256k1.PrivateKey {
    var raw = [UInt8](repeating: 0x42, count: 32)
    raw[0] = seed
    return try! Secp256k1.PrivateKey(rawRepresentation: raw)
}

/// A record shaped like one on the wire: id, secp256k1, ip and udp.
func benchmarkRecord(_ key: Secp256k1.PrivateKey) -> ENR {
    var builder = ENRBuilder(seq: 7)
    builder.setUDPEndpoint(IPAddress("10.1.2.3")!, port: 30303)
    return try! builder.sign(with: key)
}

let benchmarks: @Sendable () -> Void = {
    // Each run does 1000 operations (`.kilo`); the report divides time and mallocs by it.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(2)
    )

    // MARK: RLP: a NODES-like list (request id, total, four 140-byte blobs)

    let rlpItem: RLPItem = .list([
        .bytes([1, 2, 3, 4, 5, 6, 7, 8]),
        .uint(UInt64(1)),
        .list((0..<4).map { _ in .bytes([UInt8](repeating: 0xAB, count: 140)) }),
    ])
    let rlpBytes = RLP.encode(rlpItem)
    Benchmark("RLP encode (NODES-shaped, \(rlpBytes.count) B)") { benchmark in
        var buffer: [UInt8] = []
        buffer.reserveCapacity(rlpBytes.count)
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            RLP.encode(rlpItem, into: &buffer)
            blackHole(buffer)
        }
    }
    Benchmark("RLP decode (NODES-shaped, \(rlpBytes.count) B)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try RLP.decode(rlpBytes))
        }
    }

    // MARK: ENR: decode and verify the signature (secp256k1), the work done per received record

    let record = benchmarkRecord(benchmarkKey(1))
    let recordBytes = record.encoded
    Benchmark(
        "ENR decode+verify (\(recordBytes.count) B)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .one,
            maxDuration: .seconds(2)
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try ENR(encoded: recordBytes))
        }
    }

    // MARK: discv5 packets: seal (encrypt, mask) and open (unmask, decrypt, decode) a TALKREQ

    let sender = NodeID(publicKey: benchmarkKey(2).publicKey)
    let receiver = NodeID(publicKey: benchmarkKey(3).publicKey)
    let sessionKey = [UInt8](repeating: 0x5A, count: 16)
    let sealCipher = try! AES128GCM(key: sessionKey)
    let openCipher = try! AES128GCM(key: sessionKey)
    let mask = HeaderMask(nodeID: receiver)
    let talk = Message.talkRequest(
        TalkRequest(requestID: RequestID(9), protocolID: Array("utp".utf8), request: [UInt8](repeating: 7, count: 1100))
    )
    let plaintext = talk.encode()
    let header = try! PacketHeader(nonce: [UInt8](repeating: 3, count: 12), authData: .ordinary(sourceID: sender))
    let maskingIV = [UInt8](repeating: 9, count: 16)
    let datagram = try! PacketEncoder.seal(
        plaintext: plaintext,
        header: header,
        maskingIV: maskingIV,
        mask: mask,
        cipher: sealCipher
    )
    let decoder = PacketDecoder(localNodeID: receiver)
    Benchmark("discv5 packet seal (TALKREQ, \(datagram.count) B)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(
                try PacketEncoder.seal(
                    plaintext: talk.encode(),
                    header: header,
                    maskingIV: maskingIV,
                    mask: mask,
                    cipher: sealCipher
                )
            )
        }
    }
    Benchmark("discv5 packet open (TALKREQ, \(datagram.count) B)") { benchmark in
        for _ in benchmark.scaledIterations {
            let packet = try decoder.decode(datagram)
            blackHole(try packet.openMessage(using: openCipher))
        }
    }

    // MARK: uTP packets: a full-size DATA packet and a STATE packet with a selective ACK

    let data = UTPPacket(
        type: .data,
        connectionID: 4242,
        timestampMicroseconds: 123_456,
        timestampDifferenceMicroseconds: 789,
        windowSize: 1 << 20,
        sequenceNumber: 1000,
        ackNumber: 77,
        payload: ArraySlice(repeating: 0xCD, count: 1024)
    )
    let dataBytes = data.encoded()
    let state = UTPPacket(
        type: .state,
        connectionID: 4243,
        windowSize: 1 << 20,
        sequenceNumber: 78,
        ackNumber: 1000,
        selectiveAck: UTPSelectiveAck()
    )
    let stateBytes = state.encoded()
    Benchmark("uTP DATA encode (\(dataBytes.count) B)") { benchmark in
        var buffer: [UInt8] = []
        buffer.reserveCapacity(dataBytes.count)
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            data.encode(into: &buffer)
            blackHole(buffer)
        }
    }
    Benchmark("uTP DATA decode (\(dataBytes.count) B)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try UTPPacket(decoding: dataBytes))
        }
    }
    Benchmark("uTP STATE+SACK encode (\(stateBytes.count) B)") { benchmark in
        var buffer: [UInt8] = []
        buffer.reserveCapacity(stateBytes.count)
        for _ in benchmark.scaledIterations {
            buffer.removeAll(keepingCapacity: true)
            state.encode(into: &buffer)
            blackHole(buffer)
        }
    }
    Benchmark("uTP STATE+SACK decode (\(stateBytes.count) B)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try UTPPacket(decoding: stateBytes))
        }
    }
}
