// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import UTP

/// The raw-UDP uTP engine: a ``UTPMultiplexer`` driven on the transport's event loop.
///
/// Per received datagram it calls the multiplexer; once per read batch it lets each connection send one ACK,
/// drains every datagram into the sink (written with one `sendmmsg` per batch), hands readable data to the
/// streams and re-arms its single timer. Streams reach it through ``UTPSocketDriver`` (one event-loop hop
/// per call). Confined to the event loop.
final class UTPEngine: DatagramHandler {
    /// Minimum time between two statistics refreshes of every stream, in nanoseconds.
    static let statisticsInterval: UInt64 = 20_000_000

    private var mux: UTPMultiplexer<UDPEndpoint>
    private var streams = UTPStreamTable()
    private var buffer: [UInt8] = []
    private let origin = ContinuousClock.now
    private var batchNow: UTPInstant?
    private var wakeup: UTPInstant?
    private var lastStatistics: UInt64 = 0
    private var isShutDown = false
    private let inboundLimit: Int
    let acceptQueue: UTPAcceptQueue

    init(configuration: UTPMultiplexer<UDPEndpoint>.Configuration, seed: UInt64, inboundLimit: Int, backlog: Int) {
        self.mux = UTPMultiplexer(configuration: configuration, seed: seed)
        self.inboundLimit = inboundLimit
        self.acceptQueue = UTPAcceptQueue(capacity: backlog)
        self.buffer.reserveCapacity(2048)
    }

    private func now() -> UTPInstant {
        let (seconds, attoseconds) = self.origin.duration(to: .now).components
        return UTPInstant(
            nanoseconds: UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds / 1_000_000_000))
        )
    }

    // MARK: - DatagramHandler

    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {
        guard !self.isShutDown, let packet = try? UTPPacket(decoding: datagram.bytes) else { return }
        let now: UTPInstant
        if let batchNow = self.batchNow {
            now = batchNow
        } else {
            now = self.now()
            self.batchNow = now
        }
        self.mux.handle(packet, from: datagram.source, now: now)
    }

    func receiveBatchEnded(sink: inout DatagramSink) {
        self.batchNow = nil
        self.mux.flushAcks()
        self.pump(sink: &sink)
    }

    func timerFired(sink: inout DatagramSink) {
        self.wakeup = nil
        self.pump(sink: &sink)
    }

    func becameWritable(sink: inout DatagramSink) {
        self.pump(sink: &sink)
    }

    // MARK: - Calls from streams and the socket (one hop each)

    func open(to peer: UDPEndpoint, sink: inout DatagramSink) throws -> UTPStreamCore {
        guard !self.isShutDown else { throw UTPError.closed("the socket is closed") }
        let handle = try self.mux.connect(to: peer, now: self.now())
        let core = UTPStreamCore(handle: handle, remote: peer.description, inboundLimit: self.inboundLimit)
        self.streams.insert(core)
        self.pump(sink: &sink)
        return core
    }

    func write(_ bytes: [UInt8], to handle: UTPConnectionHandle, sink: inout DatagramSink) -> Int {
        let accepted = bytes.withUnsafeBytes { self.mux.write($0, to: handle) }
        if accepted > 0 { self.pump(sink: &sink) }
        return accepted
    }

    func finish(_ handle: UTPConnectionHandle, sink: inout DatagramSink) {
        self.mux.finish(handle)
        self.pump(sink: &sink)
    }

    func reset(_ handle: UTPConnectionHandle, sink: inout DatagramSink) {
        self.mux.reset(handle, now: self.now())
        self.pump(sink: &sink)
    }

    func resumeReading(_ handle: UTPConnectionHandle, sink: inout DatagramSink) {
        self.streams.serviceRead(handle, in: &self.mux)
        self.pump(sink: &sink)
    }

    func release(_ handle: UTPConnectionHandle, sink: inout DatagramSink) {
        guard self.streams.remove(handle) != nil else { return }
        if let connection = self.mux.connection(handle), !connection.isClosed {
            self.mux.reset(handle, now: self.now())
        }
        self.streams.serviceRead(handle, in: &self.mux)
        self.pump(sink: &sink)
    }

    /// Resets every connection, fails every stream and pending `accept()` with `closed`.
    func shutDown(sink: inout DatagramSink) {
        guard !self.isShutDown else { return }
        self.isShutDown = true
        let now = self.now()
        for (handle, core) in self.streams.entries {
            if let connection = self.mux.connection(handle), !connection.isClosed {
                self.mux.reset(handle, now: now)
            }
            core.terminate(.aborted, peerFinished: false, error: .closed("the socket is closed"))
        }
        self.acceptQueue.close()
        while sink.isWritable, let peer = self.mux.pollTransmit(now: now, into: &self.buffer) {
            sink.send(self.buffer, to: peer)
        }
        while self.mux.pollEvent() != nil {}
        sink.cancelWakeup()
        self.wakeup = nil
    }

    // MARK: - The loop body

    /// Timers, events, transmissions, events again, statistics, then the next wakeup.
    private func pump(sink: inout DatagramSink) {
        guard !self.isShutDown else { return }
        let now = self.now()
        if let deadline = self.mux.nextDeadline, deadline <= now {
            self.mux.handleTimeout(now: now)
        }
        self.drainEvents()
        while sink.isWritable, let peer = self.mux.pollTransmit(now: now, into: &self.buffer) {
            sink.send(self.buffer, to: peer)
        }
        self.drainEvents()
        if now.nanoseconds &- self.lastStatistics >= Self.statisticsInterval {
            self.lastStatistics = now.nanoseconds
            self.streams.refreshStatistics(in: self.mux)
        }
        self.rearm(sink: &sink)
    }

    private func rearm(sink: inout DatagramSink) {
        guard let deadline = self.mux.nextDeadline else {
            if self.wakeup != nil {
                self.wakeup = nil
                sink.cancelWakeup()
            }
            return
        }
        // An earlier wakeup already pending re-arms when it fires: saves rescheduling on every ACK.
        if let wakeup = self.wakeup, wakeup <= deadline { return }
        self.wakeup = deadline
        sink.scheduleWakeup(at: self.origin.advanced(by: .nanoseconds(Int64(clamping: deadline.nanoseconds))))
    }

    private func drainEvents() {
        while let event = self.mux.pollEvent() {
            switch event {
            case .accepted(let handle, let peer):
                let core = UTPStreamCore(handle: handle, remote: peer.description, inboundLimit: self.inboundLimit)
                if self.acceptQueue.push(core) {
                    self.streams.insert(core)
                } else {
                    self.mux.reset(handle, now: self.now())
                }
            case .connection(let handle, let connectionEvent):
                self.streams.handle(connectionEvent, of: handle, in: &self.mux)
            case .expectationExpired, .lingering:
                break
            }
        }
    }
}
