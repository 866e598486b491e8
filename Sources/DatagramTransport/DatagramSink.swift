// SPDX-License-Identifier: Apache-2.0

/// Where a ``DatagramHandler`` queues outgoing datagrams and requests its wakeup.
///
/// A sink is only handed out, `inout`, for the duration of a handler callback or a
/// ``DatagramTransport/execute(_:)`` closure, on the event loop; don't keep it. Datagrams are copied into a
/// reused per-socket batch buffer (no allocation per datagram) and written with `sendmmsg` when the callback
/// returns, or earlier by ``flush()``. Runs of equal-size datagrams to one peer go out as one GSO message
/// when ``DatagramTransportConfiguration/segmentationOffload`` is on and the kernel supports it.
///
/// Datagrams that cannot be sent (unspecified address, port 0, no socket of that family, too large, or an
/// error from the kernel) are dropped and counted in ``DatagramTransportStatistics/sendErrors``; they never
/// throw and never close the transport.
public struct DatagramSink {
    @usableFromInline let outbound: OutboundContext

    @inlinable
    init(_ outbound: OutboundContext) {
        self.outbound = outbound
    }

    /// Queues one datagram (copied now).
    ///
    /// - Parameters:
    ///   - bytes: The payload.
    ///   - destination: The peer.
    @inlinable
    public mutating func send(_ bytes: UnsafeRawBufferPointer, to destination: UDPEndpoint) {
        self.outbound.send(length: bytes.count, to: destination) { target in
            if let base = bytes.baseAddress, bytes.count > 0 {
                target.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
            }
            return bytes.count
        }
    }

    /// Queues one datagram (copied now).
    ///
    /// - Parameters:
    ///   - bytes: The payload, for example `[UInt8]` or `ArraySlice<UInt8>`.
    ///   - destination: The peer.
    @inlinable
    public mutating func send(_ bytes: some Collection<UInt8>, to destination: UDPEndpoint) {
        self.outbound.send(length: bytes.count, to: destination) { target in
            if bytes.withContiguousStorageIfAvailable({ target.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil {
                _ = target.initializeMemory(as: UInt8.self, from: bytes)
            }
            return bytes.count
        }
    }

    /// Queues one datagram that `encode` writes straight into the batch buffer, saving a copy.
    ///
    /// - Parameters:
    ///   - destination: The peer.
    ///   - maximumLength: The most bytes `encode` may write.
    ///   - encode: Writes the datagram into the buffer it is given (of `maximumLength` bytes) and returns the
    ///     length actually written; returning 0 sends an empty datagram, returning a negative value cancels.
    /// - Rethrows: What `encode` throws; nothing is queued then.
    @inlinable
    public mutating func send(
        to destination: UDPEndpoint,
        maximumLength: Int,
        _ encode: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        try self.outbound.send(length: maximumLength, to: destination, encode)
    }

    /// Writes everything queued so far now, instead of when the callback returns.
    public mutating func flush() {
        self.outbound.flush()
    }

    /// Whether the transport takes datagrams without queuing them in memory.
    ///
    /// `false` after the kernel's send buffer filled up: datagrams are then held in a bounded queue
    /// (``DatagramTransportConfiguration/maximumQueuedSendBytes``; beyond it they are dropped and counted).
    /// Stop generating data and wait for ``DatagramHandler/becameWritable(sink:)``.
    public var isWritable: Bool {
        self.outbound.isWritable
    }

    /// Asks for one ``DatagramHandler/timerFired(sink:)`` call at `deadline` (or as soon as possible when it
    /// has passed). Replaces any earlier request: the transport keeps a single wakeup per handler.
    ///
    /// - Parameters:
    ///   - deadline: When to call back, on the `ContinuousClock` (the standard library's monotonic clock,
    ///     so engines need no NIO type; the transport converts it to an event-loop timer).
    public mutating func scheduleWakeup(at deadline: ContinuousClock.Instant) {
        self.outbound.requestWakeup(deadline)
    }

    /// Withdraws the wakeup request, if any.
    public mutating func cancelWakeup() {
        self.outbound.requestWakeup(nil)
    }

    /// The wakeup currently requested, if any.
    public var scheduledWakeup: ContinuousClock.Instant? {
        self.outbound.wakeup
    }
}

@available(*, unavailable)
extension DatagramSink: Sendable {}
