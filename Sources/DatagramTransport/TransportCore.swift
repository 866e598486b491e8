// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

/// The transport's event-loop side: owns the handler, turns NIO events into handler calls, flushes after
/// each callback, keeps the single wakeup timer and publishes the counters. Confined to the event loop.
final class TransportCore<Handler: DatagramHandler> {
    let handler: Handler
    let outbound: OutboundContext
    let counters: CounterBox
    private let store: StatisticsStore
    private let eventLoop: any EventLoop
    private let maximumDatagramSize: Int
    private let maximumBatchDatagrams: Int
    /// Datagrams handed to the handler since its last ``DatagramHandler/receiveBatchEnded(sink:)``.
    private var deliveredInBatch = 0
    private let logger: Logger
    private var scheduled: Scheduled<Void>?
    private var scheduledDeadline: ContinuousClock.Instant?
    private var openChannels: Int
    private(set) var isClosed = false

    init(
        handler: Handler,
        outbound: OutboundContext,
        counters: CounterBox,
        store: StatisticsStore,
        eventLoop: any EventLoop,
        configuration: DatagramTransportConfiguration,
        channelCount: Int
    ) {
        self.handler = handler
        self.outbound = outbound
        self.counters = counters
        self.store = store
        self.eventLoop = eventLoop
        self.maximumDatagramSize = configuration.maximumDatagramSize
        self.maximumBatchDatagrams = configuration.maximumBatchDatagrams
        self.logger = configuration.logger
        self.openChannels = channelCount
        for sender in [outbound.ipv4, outbound.ipv6] {
            sender?.onWritable = { [unowned self] in self.becameWritable() }
        }
    }

    // MARK: Events from the channel handlers

    /// One datagram (or, with GRO, one run of coalesced datagrams) from NIO.
    func received(_ envelope: AddressedEnvelope<ByteBuffer>) {
        guard !self.isClosed, let source = UDPEndpoint(envelope.remoteAddress) else { return }
        var sink = DatagramSink(self.outbound)
        let length = envelope.data.readableBytes
        envelope.data.withUnsafeReadableBytes { bytes in
            if let segment = envelope.metadata?.segmentSize, segment > 0, segment < length {
                var offset = 0
                while offset < length {
                    let end = min(offset + segment, length)
                    self.deliver(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), from: source, sink: &sink)
                    offset = end
                }
            } else {
                self.deliver(bytes, from: source, sink: &sink)
            }
        }
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer, from source: UDPEndpoint, sink: inout DatagramSink) {
        guard bytes.count <= self.maximumDatagramSize else {
            self.counters.values.truncated += 1
            self.logger.debug(
                "datagram dropped: larger than the maximum (possibly truncated)",
                metadata: ["from": "\(source)", "length": "\(bytes.count)", "maximum": "\(self.maximumDatagramSize)"]
            )
            return
        }
        self.counters.values.datagramsReceived += 1
        self.counters.values.bytesReceived += UInt64(bytes.count)
        self.handler.received(ReceivedDatagram(bytes: bytes, source: source), sink: &sink)
        self.deliveredInBatch += 1
        if self.deliveredInBatch >= self.maximumBatchDatagrams, !self.isClosed {
            // A long readiness event is cut into batches, so ACKs and replies leave while it is read.
            self.endBatch(sink: &sink)
        }
    }

    /// The end of a read batch (one readiness event's worth of reads).
    func readBatchEnded() {
        guard !self.isClosed else { return }
        var sink = DatagramSink(self.outbound)
        self.endBatch(sink: &sink)
    }

    private func endBatch(sink: inout DatagramSink) {
        self.deliveredInBatch = 0
        self.counters.values.receiveBatches += 1
        self.handler.receiveBatchEnded(sink: &sink)
        self.finishCallback()
    }

    /// A non-fatal socket error (NIO keeps the channel open for these).
    func errorCaught(_ error: any Error) {
        self.counters.values.receiveErrors += 1
        self.logger.debug("socket error", metadata: ["error": "\(error)"])
        self.store.publish(self.counters.values)
    }

    /// A channel closed, by ``close()`` or because NIO hit a fatal error.
    func channelClosed(isIPv6: Bool) {
        (isIPv6 ? self.outbound.ipv6 : self.outbound.ipv4)?.invalidate()
        self.openChannels -= 1
        if self.openChannels <= 0 {
            self.shutDown()
        }
    }

    // MARK: Calls from the transport

    /// Runs `body` with the handler and a sink, then flushes.
    func run<Result>(_ body: (Handler, inout DatagramSink) throws -> Result) throws -> Result {
        guard !self.isClosed else { throw DatagramTransportError.closed() }
        var sink = DatagramSink(self.outbound)
        defer { self.finishCallback() }
        return try body(self.handler, &sink)
    }

    /// Stops all handler calls and timers.
    func shutDown() {
        guard !self.isClosed else { return }
        self.isClosed = true
        self.scheduled?.cancel()
        self.scheduled = nil
        self.scheduledDeadline = nil
        self.outbound.ipv4?.invalidate()
        self.outbound.ipv6?.invalidate()
        _ = self.store.markClosed()
        self.store.publish(self.counters.values)
    }

    // MARK: Internals

    private func becameWritable() {
        guard !self.isClosed, self.outbound.isWritable else { return }
        var sink = DatagramSink(self.outbound)
        self.handler.becameWritable(sink: &sink)
        self.finishCallback()
    }

    /// After every handler callback: write the batch, re-arm the timer, publish counters.
    private func finishCallback() {
        self.outbound.flush()
        if self.outbound.wakeupChanged {
            self.outbound.wakeupChanged = false
            self.reconcileTimer()
        }
        self.store.publish(self.counters.values)
    }

    /// Keeps one event-loop timer. A later request leaves an earlier timer in place (it re-arms when it
    /// fires early), so moving the deadline out on every batch costs no timer churn.
    private func reconcileTimer() {
        guard !self.isClosed, let wanted = self.outbound.wakeup else {
            self.scheduled?.cancel()
            self.scheduled = nil
            self.scheduledDeadline = nil
            return
        }
        if let current = self.scheduledDeadline, current <= wanted { return }
        self.scheduled?.cancel()
        self.arm(wanted)
    }

    private func arm(_ deadline: ContinuousClock.Instant) {
        let delay = ContinuousClock.now.duration(to: deadline)
        let (seconds, attoseconds) = delay.components
        let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        self.scheduledDeadline = deadline
        self.scheduled = self.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
            self.timerDue()
        }
    }

    private func timerDue() {
        self.scheduled = nil
        self.scheduledDeadline = nil
        guard !self.isClosed, let wanted = self.outbound.wakeup else { return }
        if ContinuousClock.now < wanted {
            self.arm(wanted)
            return
        }
        self.outbound.wakeup = nil
        self.outbound.wakeupChanged = false
        var sink = DatagramSink(self.outbound)
        self.handler.timerFired(sink: &sink)
        self.finishCallback()
    }
}

@available(*, unavailable)
extension TransportCore: Sendable {}
