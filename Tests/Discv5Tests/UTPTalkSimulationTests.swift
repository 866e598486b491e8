// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import Discv5Testing
import ENR
import TestSupport
import Testing
import UTP

/// uTP over TALKREQ at the sans-I/O level: two ``Discv5Engine``s, each glued to a ``UTPMultiplexer`` by the
/// node's own ``UTPTalkLink``, on a seeded lossy ``SimulatedNetwork`` with a manual clock.
@Suite("uTP over TALKREQ, simulated")
struct UTPTalkSimulationTests {
    /// One side: an engine, its link, and its address.
    final class Side {
        let engine: Discv5Engine
        var link: UTPTalkLink
        let record: ENR
        let endpoint: NodeEndpoint

        init(index: UInt8, seed: UInt64, now: Discv5Instant) throws {
            let key = Secp256k1.PrivateKey()
            let ip = IPAddress(bytes: [10, 0, 0, index])!
            var builder = ENRBuilder(seq: 1)
            builder.setUDPEndpoint(ip, port: 30303)
            self.record = try builder.sign(with: key)
            self.endpoint = NodeEndpoint(ip: ip, port: 30303)
            self.engine = Discv5Engine(
                privateKey: key,
                localRecord: self.record,
                now: now,
                random: SeededRandomNumberGenerator(seed: seed)
            )
            self.link = UTPTalkLink(configuration: UTPServiceConfiguration().multiplexer, seed: seed &+ 1)
        }

        var peer: UTPPeer { UTPPeer(record: self.record)! }
    }

    /// The driver loop a node's event loop would be, in simulated time.
    final class Simulation {
        let sides: [Side]
        var network: SimulatedNetwork<NodeEndpoint>
        var clock = ManualClock()

        init(sides: [Side], network: SimulatedNetwork<NodeEndpoint>) {
            self.sides = sides
            self.network = network
        }

        var now: Discv5Instant { Discv5Instant(nanoseconds: self.clock.now) }

        /// Performs side `i`'s engine actions: datagrams to the network, `utp` TALKREQs to the link.
        func drain(_ i: Int) {
            let side = self.sides[i]
            while let action = side.engine.nextAction() {
                switch action {
                case .send(let bytes, let endpoint):
                    self.network.send(bytes, from: side.endpoint, to: endpoint, at: self.clock.now)
                case .incomingTalkRequest(let request) where request.protocolID == UTPTalkLink.protocolID:
                    side.link.receive(request, engine: side.engine, now: self.now)
                case .incomingTalkRequest(let request):
                    side.engine.respondToTalkRequest(request.token, response: [], now: self.now)
                case .completed, .event:
                    break
                }
            }
        }

        /// Deferred ACKs, timers and transmissions of side `i`, then its engine's actions.
        func pump(_ i: Int) {
            let side = self.sides[i]
            side.link.flushAcks()
            side.link.transmit(engine: side.engine, now: self.now)
            self.drain(i)
        }

        /// One step: deliver what is due (one batch per receiver), fire due timers, advance the clock.
        func step(work: () -> Void) {
            for delivery in self.network.deliverDue(now: self.clock.now) {
                guard let i = self.sides.firstIndex(where: { $0.endpoint == delivery.to }) else { continue }
                self.sides[i].engine.handleDatagram(delivery.bytes, from: delivery.from, now: self.now)
                self.drain(i)
            }
            for i in self.sides.indices {
                if let deadline = self.sides[i].engine.nextDeadline, deadline <= self.now {
                    self.sides[i].engine.handleTimeouts(now: self.now)
                }
                self.pump(i)
            }
            work()
            for i in self.sides.indices { self.pump(i) }
            var next = self.network.nextDeliveryTime ?? .max
            for side in self.sides {
                next = min(
                    next,
                    side.engine.nextDeadline?.nanoseconds ?? .max,
                    side.link.nextDeadline?.nanoseconds ?? .max
                )
            }
            self.clock.advance(to: max(self.clock.now + 1, min(next, self.clock.now + 1_000_000_000)))
        }
    }

    @Test("2 MiB, listener writes, 5 % loss: byte-exact", arguments: [UInt64(1), 2])
    func lossyTransfer(seed: UInt64) throws {
        let size = 2 << 20
        let data = testBytes(count: size, seed: seed)
        let configuration = SimulatedNetwork<NodeEndpoint>.Configuration(
            lossRate: 0.05,
            baseDelay: 10_000_000,
            jitter: 2_000_000,
            mtu: 1280
        )
        let a = try Side(index: 1, seed: seed &* 31, now: .zero)
        let b = try Side(index: 2, seed: seed &* 37, now: .zero)
        let simulation = Simulation(sides: [a, b], network: SimulatedNetwork(configuration: configuration, seed: seed))

        // The handoff: B (listener) expects A's SYN with X, A (initiator) connects with X.
        let x: UInt16 = 0xFFFF  // the ids wrap: B receives on 0, A sends on 0
        let expiry = UTPTalkLink.instant(simulation.now + .seconds(20))
        let listener = try b.link.multiplexer.expect(from: a.peer, connectionID: x, expiry: expiry)
        let initiator = try a.link.multiplexer.connect(
            to: b.peer,
            connectionID: x,
            now: UTPTalkLink.instant(simulation.now)
        )
        var written = 0
        var finished = false
        var received: [UInt8] = []
        received.reserveCapacity(size)
        var closedA = false
        let end = UInt64(600) * 1_000_000_000
        while !closedA, simulation.clock.now < end {
            simulation.step {
                if written < size, b.link.multiplexer.connection(listener) != nil {
                    written += data[written...].withUnsafeBytes {
                        b.link.multiplexer.write(UnsafeRawBufferPointer(rebasing: $0.prefix(256 << 10)), to: listener)
                    }
                }
                if written == size, !finished {
                    finished = true
                    b.link.multiplexer.finish(listener)
                }
                received += a.link.multiplexer.read(from: initiator)
                if let connection = a.link.multiplexer.connection(initiator), connection.isPeerFinished,
                    connection.readableBytes == 0, received.count == size
                {
                    a.link.multiplexer.finish(initiator)
                }
                closedA = a.link.multiplexer.connection(initiator)?.isClosed ?? true
            }
        }
        #expect(simulation.network.statistics.lost > 0)
        #expect(simulation.network.statistics.oversized == 0)
        #expect(received.count == size)
        #expect(SHA256.hash(received) == SHA256.hash(data))
        #expect(a.link.packetsSent > 0 && b.link.packetsSent > UInt64(size / 1024))
    }
}
