// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import UTP

/// Drives an initiator (address 0) and a listener (address 1) against each other through a
/// `SimulatedNetwork` with a manual clock. Each side writes its source bytes, finishes when
/// everything is written, and reads whatever arrives.
struct ConnectionHarness {
    enum Side: Int, Hashable {
        case initiator = 0
        case listener = 1
    }

    var clock = ManualClock(start: 5_000_000_000)
    var network: SimulatedNetwork<Int>
    var initiator: UTPConnection
    var listener: UTPConnection?
    var listenerConfiguration: UTPConfiguration
    var listenerInitialSequence: UInt16
    var sources: [Side: [UInt8]] = [:]
    var written: [Side: Int] = [.initiator: 0, .listener: 0]
    var received: [Side: [UInt8]] = [.initiator: [], .listener: []]
    var events: [Side: [UTPConnectionEvent]] = [.initiator: [], .listener: []]
    /// Whether a side calls `finish()` once its source is written; if `false`, only after the peer finished.
    var finishEagerly: [Side: Bool] = [.initiator: true, .listener: true]
    /// Sides that must not call `finish()` yet.
    var holdFinish: Set<Side> = []
    /// Return `true` to drop an outgoing packet (side, decoded packet, raw bytes).
    var dropFilter: ((Side, UTPPacket, [UInt8]) -> Bool)?
    /// Every packet each side sent, for inspection.
    var sent: [Side: [[UInt8]]] = [.initiator: [], .listener: []]
    /// Whether the listener is gone (its packets and deliveries to it vanish).
    var listenerVanished = false
    var iterations = 0

    init(
        seed: UInt64,
        network: SimulatedNetwork<Int>.Configuration = .init(),
        configuration: UTPConfiguration = UTPConfiguration(),
        listenerConfiguration: UTPConfiguration? = nil,
        initiatorSequence: UInt16 = 1000,
        listenerSequence: UInt16 = 30000,
        connectionID: UInt16 = 0x1234
    ) {
        self.network = SimulatedNetwork(configuration: network, seed: seed)
        self.initiator = UTPConnection(
            initiatorReceiveID: connectionID,
            sendID: connectionID &+ 1,
            initialSequenceNumber: initiatorSequence,
            configuration: configuration,
            now: UTPInstant(nanoseconds: 5_000_000_000)
        )
        self.listenerConfiguration = listenerConfiguration ?? configuration
        self.listenerInitialSequence = listenerSequence
    }

    var now: UTPInstant { UTPInstant(nanoseconds: self.clock.now) }

    var bothClosed: Bool { self.initiator.isClosed && (self.listener?.isClosed ?? false) }

    func connection(_ side: Side) -> UTPConnection? {
        side == .initiator ? self.initiator : self.listener
    }

    mutating func withConnection(_ side: Side, _ body: (inout UTPConnection) -> Void) {
        switch side {
        case .initiator: body(&self.initiator)
        case .listener: if self.listener != nil { body(&self.listener!) }
        }
    }

    /// Runs until `done` holds or nothing is left to happen or `limit` simulated seconds pass.
    mutating func run(seconds limit: UInt64 = 600, until done: (ConnectionHarness) -> Bool) {
        let end = self.clock.now + limit * 1_000_000_000
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1500)
        while self.clock.now <= end {
            self.iterations += 1
            let now = self.now
            // 1. Deliver the batch that is due, then flush deferred ACKs once.
            for delivery in self.network.deliverDue(now: self.clock.now) {
                guard let packet = try? UTPPacket(decoding: delivery.bytes) else { continue }
                if delivery.to == Side.listener.rawValue {
                    if self.listenerVanished { continue }
                    if self.listener == nil {
                        guard packet.type == .syn else { continue }
                        self.listener = UTPConnection(
                            acceptingSYN: packet,
                            receiveID: packet.connectionID &+ 1,
                            sendID: packet.connectionID,
                            initialSequenceNumber: self.listenerInitialSequence,
                            configuration: self.listenerConfiguration,
                            now: now
                        )
                    } else {
                        self.listener!.handle(packet, now: now)
                    }
                } else {
                    self.initiator.handle(packet, now: now)
                }
            }
            for side in [Side.initiator, .listener] {
                if side == .listener, self.listenerVanished { continue }
                self.withConnection(side) { connection in
                    connection.flushAcks()
                    if let deadline = connection.nextDeadline, deadline <= now {
                        connection.handleTimeout(now: now)
                    }
                }
                self.pumpApplication(side)
                self.drainTransmits(side, buffer: &buffer)
                self.drainEvents(side)
            }
            if done(self) { return }
            var next = self.network.nextDeliveryTime
            for side in [Side.initiator, .listener] where !(side == .listener && self.listenerVanished) {
                if let deadline = self.connection(side)?.nextDeadline?.nanoseconds {
                    next = min(next ?? deadline, deadline)
                }
            }
            guard let next else { return }
            self.clock.advance(to: next)
        }
    }

    private mutating func pumpApplication(_ side: Side) {
        guard side == .initiator || (self.listener != nil && !self.listenerVanished) else { return }
        let source = self.sources[side] ?? []
        let offset = self.written[side]!
        var output = self.received[side]!
        let finishEagerly = self.finishEagerly[side]!
        let hold = self.holdFinish.contains(side)
        var accepted = 0
        self.withConnection(side) { connection in
            if offset < source.count {
                accepted = source[offset...].withUnsafeBytes { connection.write($0) }
            }
            connection.read(into: &output)
            if !hold, offset + accepted == source.count, finishEagerly || connection.isPeerFinished {
                connection.finish()
            }
        }
        self.written[side]! += accepted
        self.received[side] = output
    }

    private mutating func drainTransmits(_ side: Side, buffer: inout [UInt8]) {
        if side == .listener, self.listenerVanished { return }
        var outgoing: [[UInt8]] = []
        let now = self.now
        self.withConnection(side) { connection in
            while connection.pollTransmit(now: now, into: &buffer) {
                outgoing.append(buffer)
            }
        }
        for bytes in outgoing {
            self.sent[side]!.append(bytes)
            if let filter = self.dropFilter, let packet = try? UTPPacket(decoding: bytes), filter(side, packet, bytes) {
                continue
            }
            let to = side == .initiator ? Side.listener.rawValue : Side.initiator.rawValue
            self.network.send(bytes, from: side.rawValue, to: to, at: self.clock.now)
        }
    }

    private mutating func drainEvents(_ side: Side) {
        var drained: [UTPConnectionEvent] = []
        self.withConnection(side) { connection in
            while let event = connection.pollEvent() { drained.append(event) }
        }
        self.events[side]!.append(contentsOf: drained)
    }

    func closeReason(_ side: Side) -> UTPCloseReason? {
        guard case .closed(let reason) = self.connection(side)?.state else { return nil }
        return reason
    }
}

/// Deterministic test payload.
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var random = SeededRandomNumberGenerator(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = random.next()
        for _ in 0..<8 where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}
