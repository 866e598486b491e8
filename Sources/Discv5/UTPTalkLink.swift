// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import UTP

/// uTP over TALKREQ at the sans-I/O level: a ``UTPMultiplexer`` glued to a ``Discv5Engine``.
///
/// Each uTP packet travels as the `request` of a TALKREQ with protocol `utp` (ARCHITECTURE.md, "uTP over
/// TALKREQ"). Incoming: ``receive(_:engine:now:)`` answers the TALKREQ with an empty TALKRESP (other clients
/// expect one) and hands the payload to the multiplexer, keyed by (node id, endpoint, receive id).
/// Outgoing: ``transmit(engine:now:)`` fires the multiplexer's due timers and sends every packet it has with
/// the engine's no-response mode (a handshake when no session exists, never a timeout, never the routing
/// table); TALKRESPs to those requests are dropped by the engine. The node's event loop and the simulated
/// network tests drive the same type, so what the tests prove is what the node runs.
package struct UTPTalkLink {
    /// The protocol id of uTP over TALKREQ: `utp` (0x75 0x74 0x70).
    package static let protocolID: [UInt8] = [0x75, 0x74, 0x70]

    /// The connections.
    package var multiplexer: UTPMultiplexer<UTPPeer>
    private var buffer: [UInt8] = []
    /// `utp` TALKREQs handed to the multiplexer.
    package private(set) var packetsReceived: UInt64 = 0
    /// Of those, packets that reached no connection (malformed, or refused by the firewall).
    package private(set) var packetsRefused: UInt64 = 0
    /// uTP packets sent.
    package private(set) var packetsSent: UInt64 = 0

    /// Creates a link with an empty multiplexer.
    ///
    /// - Parameters:
    ///   - configuration: The multiplexer's settings (the node's come from ``UTPServiceConfiguration``).
    ///   - seed: Seed of the multiplexer's id and sequence-number generator.
    package init(configuration: UTPMultiplexer<UTPPeer>.Configuration, seed: UInt64) {
        self.multiplexer = UTPMultiplexer(configuration: configuration, seed: seed)
        self.buffer.reserveCapacity(UTPServiceConfiguration.maximumPacketSize + 64)
    }

    /// The multiplexer's time for an engine instant (both count nanoseconds from the same origin).
    ///
    /// - Parameters:
    ///   - now: The engine's time.
    package static func instant(_ now: Discv5Instant) -> UTPInstant {
        UTPInstant(nanoseconds: now.nanoseconds)
    }

    /// Takes one incoming `utp` TALKREQ: answers it with an empty TALKRESP, then routes its payload (one uTP
    /// packet) to the multiplexer. Call ``flushAcks()`` once the batch of datagrams is done.
    ///
    /// - Parameters:
    ///   - request: The TALKREQ (its protocol must be ``protocolID``).
    ///   - engine: The engine that delivered it.
    ///   - now: The current time.
    package mutating func receive(_ request: IncomingTalkRequest, engine: Discv5Engine, now: Discv5Instant) {
        engine.respondToTalkRequest(request.token, response: [], now: now)
        self.packetsReceived &+= 1
        let peer = UTPPeer(nodeID: request.nodeID, endpoint: request.endpoint)
        if !self.multiplexer.handle(datagram: request.payload[...], from: peer, now: Self.instant(now)) {
            self.packetsRefused &+= 1
        }
    }

    /// Ends a receive batch: each connection that got packets may send one STATE (deferred ACK).
    package mutating func flushAcks() {
        self.multiplexer.flushAcks()
    }

    /// Fires the multiplexer's due timers, then sends every packet it has through the engine.
    ///
    /// - Parameters:
    ///   - engine: The engine to send with.
    ///   - now: The current time.
    package mutating func transmit(engine: Discv5Engine, now: Discv5Instant) {
        let instant = Self.instant(now)
        if let deadline = self.multiplexer.nextDeadline, deadline <= instant {
            self.multiplexer.handleTimeout(now: instant)
        }
        while let peer = self.multiplexer.pollTransmit(now: instant, into: &self.buffer) {
            self.packetsSent &+= 1
            engine.sendTalkWithoutResponse(peer.contact, protocol: Self.protocolID, payload: self.buffer, now: now)
        }
    }

    /// The multiplexer's next deadline, on the engine's clock.
    package var nextDeadline: Discv5Instant? {
        self.multiplexer.nextDeadline.map { Discv5Instant(nanoseconds: $0.nanoseconds) }
    }
}

@available(*, unavailable)
extension UTPTalkLink: Sendable {}
