// SPDX-License-Identifier: Apache-2.0

import BenchSupport
import Benchmark
import Discv5Testing
import UTP

let benchmarks: @Sendable () -> Void = {
    // Two UTPConnection machines through the seeded SimulatedNetwork on a manual clock: no
    // sockets, so the wall-clock time is the protocol's CPU cost for moving the bytes (both ends,
    // one core). One iteration = one 8 MB transfer with 1 ms one-way delay and no loss.
    let transferBytes = 8_000_000
    Benchmark(
        "uTP in memory: 8 MB transfer (both ends, one core)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
            scalingFactor: .one,
            maxDuration: .seconds(5),
            maxIterations: 50
        )
    ) { benchmark in
        for iteration in benchmark.scaledIterations {
            let result = transferInMemory(
                byteCount: transferBytes,
                network: .init(baseDelay: 1_000_000),
                seed: UInt64(iteration)
            )
            precondition(result.completed, "in-memory transfer did not complete")
            blackHole(result)
        }
    }

    // The receive path on its own, per DATA packet in steady state: decode the datagram, hand it
    // to the connection, read the payload out, and (every 8 packets, like the shells after a
    // batch of reads) flush the delayed ACK and produce it. The datagram is re-encoded into one
    // reused buffer each time (the encoder allocates nothing: see the Codecs suite).
    Benchmark(
        "uTP receive path (per 1024 B DATA packet)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(2)
        )
    ) { benchmark in
        let synID: UInt16 = 0x2000
        let firstSequence: UInt16 = 100
        var now = UTPInstant(nanoseconds: 1_000_000_000)
        let syn = UTPPacket(
            type: .syn,
            connectionID: synID,
            windowSize: 1 << 20,
            sequenceNumber: firstSequence,
            ackNumber: 0
        )
        var receiver = UTPConnection(
            acceptingSYN: syn,
            receiveID: synID &+ 1,
            sendID: synID,
            initialSequenceNumber: 500,
            now: now
        )
        var outgoing: [UInt8] = []
        outgoing.reserveCapacity(2048)
        while receiver.pollTransmit(now: now, into: &outgoing) {}
        while receiver.pollEvent() != nil {}
        let payload = [UInt8](repeating: 0xEE, count: 1024)
        var wire: [UInt8] = []
        wire.reserveCapacity(2048)
        var readBuffer: [UInt8] = []
        readBuffer.reserveCapacity(64 * 1024)
        var sequence = firstSequence
        var accepted = 0
        // One packet; the first few are warm-up outside the measurement.
        func receiveOne() {
            sequence &+= 1
            now = now + .microseconds(10)
            UTPPacket(
                type: .data,
                connectionID: synID &+ 1,
                timestampMicroseconds: now.microsecondTimestamp,
                timestampDifferenceMicroseconds: 1000,
                windowSize: 1 << 20,
                sequenceNumber: sequence,
                ackNumber: 500,
                payload: payload[...]
            ).encode(into: &wire)
            guard let packet = try? UTPPacket(decoding: wire) else { fatalError("undecodable DATA") }
            if receiver.handle(packet, now: now) == .accepted { accepted += 1 }
            readBuffer.removeAll(keepingCapacity: true)
            blackHole(receiver.read(into: &readBuffer))
            if sequence % 8 == 0 {
                receiver.flushAcks()
                while receiver.pollTransmit(now: now, into: &outgoing) {}
                while receiver.pollEvent() != nil {}
            }
        }
        for _ in 0..<4096 { receiveOne() }
        accepted = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            receiveOne()
        }
        benchmark.stopMeasurement()
        precondition(accepted == benchmark.scaledIterations.count, "DATA packets were not accepted")
    }

    // The same through a UTPMultiplexer, the layer both shells feed: route by (peer, connection
    // id), deliver, and every 8 packets (one batch of reads) hand the bytes out with
    // `read(from:)` (an array per batch), flush the delayed ACK and produce it.
    Benchmark(
        "uTP multiplexer receive path (per 1024 B DATA packet, read per 8)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(2)
        )
    ) { benchmark in
        let initiatorPeer = 0
        var now = UTPInstant(nanoseconds: 1_000_000_000)
        var initiator = UTPMultiplexer<Int>(seed: 1)
        var configuration = UTPMultiplexer<Int>.Configuration()
        configuration.acceptsUnexpectedConnections = true
        var receiver = UTPMultiplexer<Int>(configuration: configuration, seed: 2)
        var wire: [UInt8] = []
        wire.reserveCapacity(2048)
        var outgoing: [UInt8] = []
        outgoing.reserveCapacity(2048)
        _ = try? initiator.connect(to: 1, now: now)
        guard initiator.pollTransmit(now: now, into: &wire) != nil, let syn = try? UTPPacket(decoding: wire),
            receiver.handle(datagram: wire[...], from: initiatorPeer, now: now),
            case .accepted(let handle, _) = receiver.pollEvent(),
            receiver.pollTransmit(now: now, into: &outgoing) != nil,
            let synAck = try? UTPPacket(decoding: outgoing)
        else { fatalError("uTP handshake through the multiplexers failed") }
        while receiver.pollEvent() != nil {}
        let payload = [UInt8](repeating: 0xEE, count: 1024)
        var sequence = syn.sequenceNumber
        var bytesRead = 0
        func receiveOne() {
            sequence &+= 1
            now = now + .microseconds(10)
            UTPPacket(
                type: .data,
                connectionID: syn.connectionID &+ 1,
                timestampMicroseconds: now.microsecondTimestamp,
                timestampDifferenceMicroseconds: 1000,
                windowSize: 1 << 20,
                sequenceNumber: sequence,
                ackNumber: synAck.sequenceNumber,
                payload: payload[...]
            ).encode(into: &wire)
            receiver.handle(datagram: wire[...], from: initiatorPeer, now: now)
            if sequence % 8 == 0 {
                bytesRead += receiver.read(from: handle).count
                receiver.flushAcks()
                while receiver.pollTransmit(now: now, into: &outgoing) != nil {}
                while receiver.pollEvent() != nil {}
            }
        }
        for _ in 0..<4096 { receiveOne() }
        bytesRead = 0
        let firstSequence = sequence
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            receiveOne()
        }
        benchmark.stopMeasurement()
        bytesRead += receiver.read(from: handle).count
        precondition(
            bytesRead >= Int(sequence &- firstSequence) * payload.count - 8 * payload.count,
            "DATA packets were not delivered"
        )
    }
}
