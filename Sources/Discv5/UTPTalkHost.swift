// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Logging
import UTP

/// The uTP-over-TALKREQ service on the node's event loop: the ``UTPTalkLink`` (multiplexer glued to the
/// engine), the streams, and the expectations waiting for their SYN.
///
/// ``NodeEngine`` calls it with the engine and the time: ``receive(_:engine:now:)`` for each `utp` TALKREQ
/// (no task, no hop), ``endBatch(engine:now:)`` once per read batch (deferred ACKs), ``pump(engine:now:)``
/// after any other input, and folds ``nextDeadline`` into the node's single wakeup. Stream and service calls
/// arrive here through one event-loop hop each. Confined to the event loop.
final class UTPTalkHost {
    /// Minimum time between two statistics refreshes of every stream, in nanoseconds.
    static let statisticsInterval: UInt64 = 20_000_000

    /// A weak reference: an expectation nobody holds any more withdraws itself.
    private struct WeakExpectation {
        weak var value: UTPExpectation?
    }

    private(set) var link: UTPTalkLink
    private var streams = UTPStreamTable()
    private var expectations: [UTPConnectionHandle: WeakExpectation] = [:]
    /// Every multiplexer entry we created, to release its admission once the multiplexer dropped it.
    private var entries: [UTPConnectionHandle: (peer: UTPPeer, receiveID: UInt16)] = [:]
    private var needsSweep = false
    /// The multiplexer's count of lingering connections it forgot early, when last looked at: a change means
    /// entries vanished without a timer, so their admissions need releasing.
    private var lingeringForgotten: UInt64 = 0
    private var lastStatistics: UInt64 = 0
    private var isShutDown = false
    let service: UTPServiceCore
    private var logger: Logger { self.service.logger }

    init(service: UTPServiceCore, seed: UInt64) {
        self.service = service
        self.link = UTPTalkLink(configuration: service.configuration.multiplexer, seed: seed)
    }

    // MARK: - Input

    /// One incoming `utp` TALKREQ.
    func receive(_ request: IncomingTalkRequest, engine: Discv5Engine, now: Discv5Instant) {
        guard !self.isShutDown else {
            engine.respondToTalkRequest(request.token, response: [], now: now)
            return
        }
        self.link.receive(request, engine: engine, now: now)
    }

    /// The read batch is over: one ACK per connection that got packets, then everything else.
    func endBatch(engine: Discv5Engine, now: Discv5Instant, canSend: Bool) {
        guard !self.isShutDown else { return }
        self.link.flushAcks()
        self.pump(engine: engine, now: now, canSend: canSend)
    }

    /// Timers, events, transmissions, events again, released entries, statistics.
    func pump(engine: Discv5Engine, now: Discv5Instant, canSend: Bool = true) {
        guard !self.isShutDown else { return }
        if let deadline = self.link.nextDeadline, deadline <= now {
            self.link.multiplexer.handleTimeout(now: UTPTalkLink.instant(now))
            self.needsSweep = true
        }
        self.drainEvents(now: now)
        if canSend { self.link.transmit(engine: engine, now: now) }
        if self.drainEvents(now: now), canSend { self.link.transmit(engine: engine, now: now) }
        if self.needsSweep { self.sweep() }
        if now.nanoseconds &- self.lastStatistics >= Self.statisticsInterval {
            self.lastStatistics = now.nanoseconds
            self.streams.refreshStatistics(in: self.link.multiplexer)
        }
    }

    /// When the multiplexer next needs a call (`nil` after shutdown).
    var nextDeadline: Discv5Instant? {
        self.isShutDown ? nil : self.link.nextDeadline
    }

    /// Live connections plus pending expectations in the multiplexer.
    var connectionCount: Int { self.link.multiplexer.count }

    // MARK: - Service calls (one hop each)

    /// Opens the initiator side of a handoff (admission already reserved by the caller).
    func connect(_ peer: UTPPeer, connectionID: UInt16, now: Discv5Instant) throws -> UTPStreamCore {
        guard !self.isShutDown else {
            self.service.release(peer, receiveID: connectionID)
            throw UTPError.closed("the node is shut down")
        }
        let handle: UTPConnectionHandle
        do {
            handle = try self.link.multiplexer.connect(
                to: peer,
                connectionID: connectionID,
                now: UTPTalkLink.instant(now)
            )
        } catch {
            self.service.release(peer, receiveID: connectionID)
            throw error
        }
        self.entries[handle] = (peer, connectionID)
        self.noteForgottenLingering()
        let core = UTPStreamCore(
            handle: handle,
            remote: peer.description,
            inboundLimit: self.service.configuration.streamBufferSize
        )
        self.streams.insert(core)
        return core
    }

    /// Registers an expectation with the multiplexer (admission already reserved by the caller).
    func register(_ expectation: UTPExpectation, now: Discv5Instant) {
        let peer = expectation.peer
        let receiveID = expectation.receiveID
        guard !self.isShutDown else {
            self.service.release(peer, receiveID: receiveID)
            expectation.fail(UTPError.closed("the node is shut down"))
            return
        }
        let handle: UTPConnectionHandle
        do {
            handle = try self.link.multiplexer.expect(
                from: peer,
                connectionID: expectation.connectionID,
                expiry: UTPTalkLink.instant(now + self.service.configuration.expectationLifetime)
            )
        } catch {
            self.service.release(peer, receiveID: receiveID)
            expectation.fail(error)
            return
        }
        self.entries[handle] = (peer, receiveID)
        self.noteForgottenLingering()
        guard expectation.registered(handle) else {
            self.link.multiplexer.remove(handle)
            self.needsSweep = true
            return
        }
        self.expectations[handle] = WeakExpectation(value: expectation)
    }

    /// An expectation was cancelled or dropped: forget it if still pending, else reset its connection.
    func withdraw(_ handle: UTPConnectionHandle, now: Discv5Instant) {
        self.expectations[handle] = nil
        if self.link.multiplexer.isPending(handle) {
            self.link.multiplexer.remove(handle)
            self.needsSweep = true
        } else {
            self.release(handle, now: now)
        }
    }

    // MARK: - Stream calls (one hop each)

    func write(_ bytes: [UInt8], to handle: UTPConnectionHandle, now: Discv5Instant) -> Int {
        bytes.withUnsafeBytes { self.link.multiplexer.write($0, to: handle) }
    }

    func finish(_ handle: UTPConnectionHandle) {
        self.link.multiplexer.finish(handle)
    }

    func reset(_ handle: UTPConnectionHandle, now: Discv5Instant) {
        self.link.multiplexer.reset(handle, now: UTPTalkLink.instant(now))
    }

    func resumeReading(_ handle: UTPConnectionHandle) {
        self.streams.serviceRead(handle, in: &self.link.multiplexer)
    }

    /// The stream handle is gone: reset the connection unless it already closed; drop its unread bytes.
    func release(_ handle: UTPConnectionHandle, now: Discv5Instant) {
        guard self.streams.remove(handle) != nil else { return }
        if let connection = self.link.multiplexer.connection(handle), !connection.isClosed {
            self.link.multiplexer.reset(handle, now: UTPTalkLink.instant(now))
        }
        self.streams.serviceRead(handle, in: &self.link.multiplexer)
    }

    // MARK: - Shutdown

    /// Resets every connection (the RESETs go out through the engine before it stops), fails every
    /// stream and expectation with ``UTPError`` `closed`.
    func shutDown(engine: Discv5Engine, now: Discv5Instant) {
        guard !self.isShutDown else { return }
        let instant = UTPTalkLink.instant(now)
        for (handle, core) in self.streams.entries {
            if let connection = self.link.multiplexer.connection(handle), !connection.isClosed {
                self.link.multiplexer.reset(handle, now: instant)
            }
            core.terminate(.aborted, peerFinished: false, error: .closed("the node shut down"))
        }
        for expectation in self.expectations.values { expectation.value?.fail(.closed("the node shut down")) }
        self.expectations = [:]
        self.link.transmit(engine: engine, now: now)
        while self.link.multiplexer.pollEvent() != nil {}
        self.isShutDown = true
    }

    // MARK: - Events

    /// Hands every multiplexer event to its stream or expectation; returns whether there was any.
    @discardableResult
    private func drainEvents(now: Discv5Instant) -> Bool {
        var any = false
        while let event = self.link.multiplexer.pollEvent() {
            any = true
            switch event {
            case .connection(let handle, .connected) where self.expectations[handle] != nil:
                self.arrive(handle, now: now)
            case .connection(let handle, let connectionEvent):
                self.streams.handle(connectionEvent, of: handle, in: &self.link.multiplexer)
            case .expectationExpired(let handle):
                self.expectations.removeValue(forKey: handle)?.value?.fail(
                    .timedOut("no SYN within the expectation's lifetime")
                )
                self.needsSweep = true
            case .accepted(let handle, _):
                // Unreachable with the firewall on; never keep a connection nobody asked for.
                self.link.multiplexer.reset(handle, now: UTPTalkLink.instant(now))
            case .lingering(let handle):
                if let entry = self.entries[handle] {
                    self.service.markLingering(entry.peer, receiveID: entry.receiveID)
                }
            }
        }
        return any
    }

    /// Admitting an entry may make the multiplexer forget its oldest lingering connections.
    private func noteForgottenLingering() {
        let forgotten = self.link.multiplexer.lingeringForgotten
        if forgotten != self.lingeringForgotten {
            self.lingeringForgotten = forgotten
            self.needsSweep = true
        }
    }

    /// The expected SYN came: the stream exists from now on.
    private func arrive(_ handle: UTPConnectionHandle, now: Discv5Instant) {
        let expectation = self.expectations.removeValue(forKey: handle)?.value
        let core = UTPStreamCore(
            handle: handle,
            remote: self.entries[handle]?.peer.description ?? "\(handle)",
            inboundLimit: self.service.configuration.streamBufferSize
        )
        self.streams.insert(core)
        core.markConnected()
        if expectation?.arrive(core) != true {
            self.release(handle, now: now)
        }
    }

    /// Releases the admission of every entry the multiplexer no longer holds.
    private func sweep() {
        self.needsSweep = false
        let gone = self.entries.keys.filter {
            self.link.multiplexer.connection($0) == nil && !self.link.multiplexer.isPending($0)
        }
        for handle in gone {
            guard let entry = self.entries.removeValue(forKey: handle) else { continue }
            self.service.release(entry.peer, receiveID: entry.receiveID)
            self.expectations[handle] = nil
        }
    }
}

@available(*, unavailable)
extension UTPTalkHost: Sendable {}
