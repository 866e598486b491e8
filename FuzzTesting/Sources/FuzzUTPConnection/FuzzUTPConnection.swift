// SPDX-License-Identifier: Apache-2.0

import FuzzSupport
import UTP

// The uTP multiplexer and its connection machines driven by a fuzzed program. An honest peer
// (a plain `UTPConnection`) connects first, in either role, so the program starts from an
// established stream; then it interleaves honest traffic (which it may drop, duplicate or
// alter), forged packets built from the last honest packet (so sequence and ack numbers are
// near the live ones), raw datagrams, reads, writes, FIN, RESET and the passage of time.

/// Peer ids of the multiplexer: 1 is the honest peer; the others only send forged packets.
private let honestPeer = 1

private struct Run {
    var input: FuzzInput
    var mux: UTPMultiplexer<Int>
    var peer: UTPConnection?
    var handle: UTPConnectionHandle?
    var now = UTPInstant(nanoseconds: 1_000_000_000)
    /// The honest peer's last packet to the multiplexer (the template for forgeries).
    var template: UTPPacket?
    var buffer: [UInt8] = []

    init(_ input: FuzzInput) {
        self.input = input
        var configuration = UTPMultiplexer<Int>.Configuration()
        configuration.maximumConnections = 8
        configuration.maximumConnectionsPerPeer = 4
        configuration.maximumLingeringConnections = 4
        configuration.acceptsUnexpectedConnections = self.input.bool()
        configuration.refusal = self.input.bool() ? .reset : .drop
        configuration.connection.receiveWindow = 64 << 10
        configuration.connection.sendBufferSize = 64 << 10
        mux = UTPMultiplexer(configuration: configuration, seed: 42)
        buffer.reserveCapacity(2048)
    }

    mutating func execute() {
        connect(muxInitiates: input.bool())
        var steps = 0
        while !input.isAtEnd && steps < 96 {
            steps += 1
            step(input.byte() % 12)
            drainEvents()
        }
    }

    /// Opens the honest connection: the multiplexer connects to the peer, or the peer connects
    /// to an expectation of the multiplexer.
    mutating func connect(muxInitiates: Bool) {
        if muxInitiates {
            guard let opened = try? mux.connect(to: honestPeer, now: now) else { return }
            handle = opened
            guard mux.pollTransmit(now: now, into: &buffer) == honestPeer,
                let syn = try? UTPPacket(decoding: buffer)
            else { return }
            peer = UTPConnection(
                acceptingSYN: syn,
                receiveID: syn.connectionID &+ 1,
                sendID: syn.connectionID,
                initialSequenceNumber: input.uint16(),
                now: now
            )
            pumpPeerToMux(policy: 0)
        } else {
            let id = input.uint16()
            handle = try? mux.expect(from: honestPeer, connectionID: id, expiry: now + .seconds(20))
            peer = UTPConnection(
                initiatorReceiveID: id,
                sendID: id &+ 1,
                initialSequenceNumber: input.uint16(),
                now: now
            )
            pumpPeerToMux(policy: 0)
            pumpMuxToPeer(policy: 0)
        }
    }

    mutating func step(_ opcode: UInt8) {
        switch opcode {
        case 0:
            pumpPeerToMux(policy: input.byte())
        case 1:
            pumpMuxToPeer(policy: input.byte())
        case 2:  // a forged packet near the live numbers
            forge()
        case 3:  // a raw datagram from any peer
            let from = honestPeer + Int(input.byte() % 3)
            _ = mux.handle(datagram: input.lengthPrefixedBytes()[...], from: from, now: now)
        case 4:
            let count = Int(input.uint16() % 4096)
            let bytes = [UInt8](repeating: 0x6d, count: count)
            if input.bool() {
                if let handle { _ = bytes.withUnsafeBytes { mux.write($0, to: handle) } }
            } else {
                _ = peer?.write(bytes)
            }
        case 5:
            let limit = Int(input.uint16())
            if input.bool() {
                if let handle { _ = mux.read(from: handle, maxBytes: limit) }
            } else {
                _ = peer?.read(maxBytes: limit)
            }
        case 6:  // time passes
            let milliseconds = UInt64(input.uint16()) * (input.bool() ? 100 : 1)
            now = UTPInstant(nanoseconds: now.nanoseconds &+ milliseconds * 1_000_000)
            mux.handleTimeout(now: now)
            peer?.handleTimeout(now: now)
        case 7:
            if input.bool() {
                if let handle { mux.finish(handle) }
            } else {
                peer?.finish()
            }
        case 8:
            if input.bool() {
                if let handle { mux.reset(handle, now: now) }
            } else {
                peer?.reset(now: now)
            }
        case 9:
            mux.flushAcks()
            peer?.flushAcks()
        case 10:  // a new connection from another peer, or to one
            if input.bool() {
                _ = try? mux.connect(to: honestPeer + 1 + Int(input.byte() % 2), now: now)
            } else {
                _ = try? mux.expect(from: honestPeer + 1, connectionID: input.uint16(), expiry: now + .seconds(1))
            }
        default:
            if let handle, input.bool() {
                mux.remove(handle)
                self.handle = nil
            }
        }
    }

    /// Delivers the peer's pending packets to the multiplexer. Policy bits: drop every other
    /// packet, duplicate each, reverse the batch.
    mutating func pumpPeerToMux(policy: UInt8) {
        guard peer != nil else { return }
        var batch: [[UInt8]] = []
        while batch.count < 64, peer!.pollTransmit(now: now, into: &buffer) {
            batch.append(buffer)
        }
        if policy & 4 != 0 { batch.reverse() }
        for (index, datagram) in batch.enumerated() {
            if policy & 1 != 0 && index % 2 == 1 { continue }
            if let packet = try? UTPPacket(decoding: datagram) { template = packet }
            _ = mux.handle(datagram: datagram[...], from: honestPeer, now: now)
            if policy & 2 != 0 { _ = mux.handle(datagram: datagram[...], from: honestPeer, now: now) }
        }
        mux.flushAcks()
    }

    /// Delivers the multiplexer's pending packets for the honest peer to it, with the same policy.
    mutating func pumpMuxToPeer(policy: UInt8) {
        var batch: [[UInt8]] = []
        while batch.count < 64, let destination = mux.pollTransmit(now: now, into: &buffer) {
            if destination == honestPeer { batch.append(buffer) }
        }
        guard peer != nil else { return }
        if policy & 4 != 0 { batch.reverse() }
        for (index, datagram) in batch.enumerated() {
            if policy & 1 != 0 && index % 2 == 1 { continue }
            guard let packet = try? UTPPacket(decoding: datagram) else {
                preconditionFailure("the multiplexer sent an undecodable packet: \(datagram)")
            }
            peer!.handle(packet, now: now)
            if policy & 2 != 0 { peer!.handle(packet, now: now) }
        }
        peer!.flushAcks()
    }

    /// Takes the honest peer's last packet and changes fields by fuzzed amounts.
    mutating func forge() {
        guard var packet = template else { return }
        let fields = input.byte()
        if fields & 1 != 0, let type = UTPPacketType(rawValue: input.byte() % 5) { packet.type = type }
        if fields & 2 != 0 { packet.sequenceNumber &+= UInt16(bitPattern: Int16(Int8(bitPattern: input.byte()))) }
        if fields & 4 != 0 { packet.ackNumber &+= UInt16(bitPattern: Int16(Int8(bitPattern: input.byte()))) }
        if fields & 8 != 0 { packet.windowSize = input.uint32() }
        if fields & 16 != 0 {
            // The wire allows 1 … 255 bytes; the decoder keeps at most 32 of them.
            let mask = input.bytes(Int(input.byte() % 9) + 1)
            packet.selectiveAck = mask.isEmpty ? UTPSelectiveAck() : UTPSelectiveAck(bytes: mask)
        }
        if fields & 32 != 0 { packet.payload = input.lengthPrefixedBytes()[...] }
        if fields & 64 != 0 { packet.timestampMicroseconds = input.uint32() }
        if fields & 128 != 0 { packet.connectionID &+= UInt16(input.byte() % 3) }
        _ = mux.handle(packet, from: honestPeer, now: now)
    }

    mutating func drainEvents() {
        var count = 0
        while let event = mux.pollEvent() {
            count += 1
            precondition(count < 10_000, "the multiplexer produced events without end")
            if case .connection(let handle, .readable) = event { _ = mux.read(from: handle) }
        }
        while peer?.pollEvent() != nil {}
        // Lingering entries (closed, nothing left to read) sit outside the connection limit; the oldest
        // are forgotten at the next admission, so at most the two limits together are ever held.
        let limits = mux.configuration
        precondition(mux.activeConnectionCount <= limits.maximumConnections, "connection limit exceeded")
        precondition(
            mux.count <= limits.maximumConnections + limits.maximumLingeringConnections,
            "lingering connections beyond their bound"
        )
        precondition(mux.count == mux.activeConnectionCount + mux.lingeringCount, "entries miscounted")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTPConnection(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var run = Run(FuzzInput(start, count))
    run.execute()
    return 0
}
