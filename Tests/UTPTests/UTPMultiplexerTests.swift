// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import Testing
import UTP

@Suite("uTP multiplexer")
struct UTPMultiplexerTests {
    typealias Mux = UTPMultiplexer<String>

    /// Runs two multiplexers ("a", "b") against each other until `done` or nothing is left.
    private func pump(
        _ a: inout Mux,
        _ b: inout Mux,
        clock: inout ManualClock,
        network: inout SimulatedNetwork<String>,
        seconds: UInt64 = 60,
        until done: (Mux, Mux) -> Bool
    ) {
        let end = clock.now + seconds * 1_000_000_000
        var buffer: [UInt8] = []
        while clock.now <= end {
            let now = UTPInstant(nanoseconds: clock.now)
            for delivery in network.deliverDue(now: clock.now) {
                if delivery.to == "a" {
                    a.handle(datagram: delivery.bytes[...], from: delivery.from, now: now)
                } else {
                    b.handle(datagram: delivery.bytes[...], from: delivery.from, now: now)
                }
            }
            a.flushAcks()
            b.flushAcks()
            if let d = a.nextDeadline, d <= now { a.handleTimeout(now: now) }
            if let d = b.nextDeadline, d <= now { b.handleTimeout(now: now) }
            while let peer = a.pollTransmit(now: now, into: &buffer) {
                network.send(buffer, from: "a", to: peer, at: clock.now)
            }
            while let peer = b.pollTransmit(now: now, into: &buffer) {
                network.send(buffer, from: "b", to: peer, at: clock.now)
            }
            if done(a, b) { return }
            let candidates = [network.nextDeliveryTime, a.nextDeadline?.nanoseconds, b.nextDeadline?.nanoseconds]
                .compactMap { $0 }
            guard let next = candidates.min() else { return }
            clock.advance(to: max(next, clock.now))
            if next <= clock.now, candidates.allSatisfy({ $0 <= clock.now }), network.nextDeliveryTime == nil {
                clock.advance(by: 1_000_000)
            }
        }
    }

    @Test func handoffIDArithmeticAndExpectedSYNIsAccepted() throws {
        for x in [UInt16(0x1234), 0xFFFF, 0] {
            var clock = ManualClock(start: 1_000_000_000)
            var network = SimulatedNetwork<String>(configuration: .init(lossRate: 0.02), seed: UInt64(x) + 7)
            var listener = Mux(seed: 1)
            var initiator = Mux(seed: 2)
            let now = UTPInstant(nanoseconds: clock.now)
            let expected = try listener.expect(from: "a", connectionID: x, expiry: now + .seconds(20))
            #expect(listener.isPending(expected))
            #expect(!listener.isConnectionIDAvailable(x, for: "a"))
            #expect(!listener.isConnectionIDAvailable(x &- 1, for: "a"))
            let outgoing = try initiator.connect(to: "b", connectionID: x, now: now)
            #expect(initiator.connection(outgoing)?.receiveID == x)
            #expect(initiator.connection(outgoing)?.sendID == x &+ 1)
            let payload = testBytes(count: 50_000, seed: UInt64(x))
            let written = payload.withUnsafeBytes { listener.write($0, to: expected) }
            #expect(written == 0, "no writes before the SYN arrives")
            var received: [UInt8] = []
            var wrote = false
            pump(&initiator, &listener, clock: &clock, network: &network) { a, b in
                b.connection(expected) != nil && !wrote
            }
            #expect(listener.connection(expected)?.receiveID == x &+ 1)
            #expect(listener.connection(expected)?.sendID == x)
            _ = payload.withUnsafeBytes { listener.write($0, to: expected) }
            listener.finish(expected)
            wrote = true
            pump(&initiator, &listener, clock: &clock, network: &network) { a, _ in
                a.connection(outgoing)?.isPeerFinished ?? false
            }
            received = initiator.read(from: outgoing)
            #expect(received == payload)
        }
    }

    @Test func unexpectedSYNIsRefusedWithReset() throws {
        var clock = ManualClock()
        var network = SimulatedNetwork<String>(seed: 3)
        var listener = Mux(seed: 1)
        var initiator = Mux(seed: 2)
        let handle = try initiator.connect(to: "b", connectionID: 500, now: UTPInstant(nanoseconds: clock.now))
        pump(&initiator, &listener, clock: &clock, network: &network) { a, _ in a.connection(handle)?.isClosed ?? true }
        #expect(initiator.connection(handle)?.state == .closed(.refused))
        #expect(listener.count == 0)
    }

    @Test func unexpectedSYNIsDroppedWhenConfigured() throws {
        var configuration = Mux.Configuration()
        configuration.refusal = .drop
        var listener = Mux(configuration: configuration, seed: 1)
        let syn = UTPPacket(type: .syn, connectionID: 9, sequenceNumber: 1, ackNumber: 0)
        let routed = listener.handle(syn, from: "a", now: .zero)
        #expect(!routed)
        var buffer: [UInt8] = []
        let destination = listener.pollTransmit(now: .zero, into: &buffer)
        #expect(destination == nil)
    }

    @Test func acceptAnyModeAcceptsUnexpectedSYN() {
        var configuration = Mux.Configuration()
        configuration.acceptsUnexpectedConnections = true
        var listener = Mux(configuration: configuration, seed: 1)
        let syn = UTPPacket(type: .syn, connectionID: 0xFFFF, windowSize: 0, sequenceNumber: 1, ackNumber: 0)
        let routed = listener.handle(syn, from: "a", now: .zero)
        #expect(routed)
        guard case .accepted(let handle, "a")? = listener.pollEvent() else {
            Issue.record("no accepted event")
            return
        }
        #expect(listener.connection(handle)?.receiveID == 0)
        #expect(listener.connection(handle)?.sendID == 0xFFFF)
        // libtorrent's SYN advertises wnd_size 0: not a closed window.
        #expect(listener.connection(handle)?.statistics.peerWindow == UTPConfiguration().assumedPeerWindow)
    }

    @Test func expectationExpires() throws {
        var listener = Mux(seed: 1)
        let handle = try listener.expect(from: "a", connectionID: 77, expiry: UTPInstant(nanoseconds: 20_000))
        #expect(listener.nextDeadline == UTPInstant(nanoseconds: 20_000))
        listener.handleTimeout(now: UTPInstant(nanoseconds: 19_999))
        #expect(listener.isPending(handle))
        listener.handleTimeout(now: UTPInstant(nanoseconds: 20_000))
        #expect(listener.pollEvent() == .expectationExpired(handle))
        #expect(listener.count == 0)
        let syn = UTPPacket(type: .syn, connectionID: 77, sequenceNumber: 1, ackNumber: 0)
        let routed = listener.handle(syn, from: "a", now: UTPInstant(nanoseconds: 20_001))
        #expect(!routed)
    }

    @Test func synFromAnotherPeerDoesNotMatchExpectation() throws {
        var listener = Mux(seed: 1)
        let handle = try listener.expect(from: "a", connectionID: 77, expiry: UTPInstant(nanoseconds: .max))
        let syn = UTPPacket(type: .syn, connectionID: 77, sequenceNumber: 1, ackNumber: 0)
        let routed = listener.handle(syn, from: "mallory", now: .zero)
        #expect(!routed)
        #expect(listener.isPending(handle))
    }

    @Test func perPeerAndTotalLimits() throws {
        var configuration = Mux.Configuration()
        configuration.maximumConnectionsPerPeer = 2
        configuration.maximumConnections = 3
        var mux = Mux(configuration: configuration, seed: 1)
        _ = try mux.expect(from: "a", connectionID: 10, expiry: UTPInstant(nanoseconds: .max))
        _ = try mux.connect(to: "a", connectionID: 20, now: .zero)
        #expect(throws: UTPError.self) {
            _ = try mux.expect(from: "a", connectionID: 30, expiry: UTPInstant(nanoseconds: .max))
        }
        let third = try mux.connect(to: "b", now: .zero)
        do {
            _ = try mux.connect(to: "c", now: .zero)
            Issue.record("total limit not enforced")
        } catch {
            #expect(error.code == .connectionLimitReached)
        }
        mux.remove(third)
        _ = try mux.connect(to: "c", now: .zero)
    }

    @Test func connectionIDCollisionsAreRejected() throws {
        var mux = Mux(seed: 1)
        _ = try mux.expect(from: "a", connectionID: 0xFFFF, expiry: UTPInstant(nanoseconds: .max))
        // Listener receive id is 0xFFFF + 1 = 0: an initiator connection receiving on 0 collides.
        do {
            _ = try mux.connect(to: "a", connectionID: 0, now: .zero)
            Issue.record("collision not detected")
        } catch {
            #expect(error.code == .connectionIDInUse)
        }
        _ = try mux.connect(to: "b", connectionID: 0, now: .zero)
    }

    /// One handoff transfer of `size` bytes from `listener` (expecting `x` from "a") to `initiator`, both sides
    /// finishing; pumps until the listener's side is closed. Returns both handles; the initiator has not read.
    private func closedTransfer(
        x: UInt16,
        size: Int,
        listener: inout Mux,
        initiator: inout Mux,
        clock: inout ManualClock,
        network: inout SimulatedNetwork<String>
    ) throws -> (listener: UTPConnectionHandle, initiator: UTPConnectionHandle) {
        let now = UTPInstant(nanoseconds: clock.now)
        let expected = try listener.expect(from: "a", connectionID: x, expiry: now + .seconds(20))
        let outgoing = try initiator.connect(to: "b", connectionID: x, now: now)
        initiator.finish(outgoing)
        pump(&initiator, &listener, clock: &clock, network: &network) { _, b in b.connection(expected) != nil }
        _ = testBytes(count: size, seed: UInt64(x)).withUnsafeBytes { listener.write($0, to: expected) }
        listener.finish(expected)
        pump(&initiator, &listener, clock: &clock, network: &network) { a, b in
            (a.connection(outgoing)?.isClosed ?? false) && (b.connection(expected)?.isClosed ?? false)
        }
        return (expected, outgoing)
    }

    @Test func aClosedConnectionStopsCountingOnceDrainedButKeepsItsIDs() throws {
        var clock = ManualClock(start: 1_000_000_000)
        var network = SimulatedNetwork<String>(seed: 11)
        var configuration = Mux.Configuration()
        configuration.maximumConnectionsPerPeer = 1
        var listener = Mux(configuration: configuration, seed: 1)
        var initiator = Mux(configuration: configuration, seed: 2)
        let (served, fetched) = try closedTransfer(
            x: 500,
            size: 20_000,
            listener: &listener,
            initiator: &initiator,
            clock: &clock,
            network: &network
        )
        var events: [Mux.Event] = []
        while let event = listener.pollEvent() { events.append(event) }
        #expect(events.contains(.lingering(served)))
        #expect(listener.count == 1)
        #expect(listener.lingeringCount == 1)
        #expect(listener.activeConnectionCount == 0)
        // The ids stay taken while it lingers...
        #expect(!listener.isConnectionIDAvailable(500, for: "a"))
        #expect(throws: UTPError.self) {
            _ = try listener.expect(from: "a", connectionID: 500, expiry: UTPInstant(nanoseconds: .max))
        }
        // ...but the peer's only slot is free again.
        _ = try listener.expect(from: "a", connectionID: 900, expiry: UTPInstant(nanoseconds: .max))
        #expect(listener.activeConnectionCount == 1)

        // Unread bytes keep a closed connection counted: they are memory the limits must bound.
        #expect(initiator.connection(fetched)?.isClosed == true)
        #expect(initiator.activeConnectionCount == 1)
        #expect(initiator.lingeringCount == 0)
        #expect(initiator.read(from: fetched) == testBytes(count: 20_000, seed: 500))
        #expect(initiator.activeConnectionCount == 0)
        #expect(initiator.lingeringCount == 1)

        // The linger ends: the entry and its ids are gone.
        let later = UTPInstant(nanoseconds: clock.now) + .seconds(3)
        initiator.handleTimeout(now: later)
        #expect(initiator.count == 0)
        #expect(initiator.lingeringCount == 0)
        #expect(initiator.isConnectionIDAvailable(500, for: "b"))
    }

    @Test func lingeringConnectionsBeyondTheirLimitAreForgottenOldestFirst() throws {
        var clock = ManualClock(start: 1_000_000_000)
        var network = SimulatedNetwork<String>(seed: 12)
        var configuration = Mux.Configuration()
        configuration.maximumLingeringConnections = 2
        var listener = Mux(configuration: configuration, seed: 1)
        var initiator = Mux(seed: 2)
        var served: [UTPConnectionHandle] = []
        for x: UInt16 in [100, 200, 300] {
            let (handle, fetched) = try closedTransfer(
                x: x,
                size: 3000,
                listener: &listener,
                initiator: &initiator,
                clock: &clock,
                network: &network
            )
            _ = initiator.read(from: fetched)
            served.append(handle)
        }
        // The third expectation found two lingering and made room: the oldest went.
        #expect(listener.lingeringCount == 2)
        #expect(listener.lingeringForgotten == 1)
        #expect(listener.connection(served[0]) == nil)
        // Each admission makes room below the limit: the next oldest goes, its ids are free again.
        _ = try listener.expect(from: "a", connectionID: 400, expiry: UTPInstant(nanoseconds: .max))
        #expect(listener.lingeringForgotten == 2)
        #expect(listener.lingeringCount == 1)
        #expect(listener.connection(served[0]) == nil)
        #expect(listener.connection(served[1]) == nil)
        #expect(listener.connection(served[2])?.isClosed == true)
        #expect(listener.isConnectionIDAvailable(100, for: "a"))
        #expect(!listener.isConnectionIDAvailable(300, for: "a"))
    }
}
