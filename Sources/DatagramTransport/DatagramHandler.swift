// SPDX-License-Identifier: Apache-2.0

/// The protocol engine's side of a ``DatagramTransport``.
///
/// Every method is called on the transport's event loop thread, synchronously, with no task or actor hop per
/// datagram: an implementation is confined to that thread and need not be `Sendable`. It must not block.
///
/// Sends go through the `sink`; the transport writes everything sent during one callback with as few
/// `sendmmsg` calls as possible once the callback returns (a read batch's sends after
/// ``receiveBatchEnded(sink:)``).
///
/// `SendableMetatype`: the transport refers to the handler's *type* from closures it runs on the event loop;
/// instances are never shared.
public protocol DatagramHandler: AnyObject, SendableMetatype {
    /// Called once per received datagram, in arrival order.
    ///
    /// - Parameters:
    ///   - datagram: The datagram; its bytes are valid only during this call.
    ///   - sink: Queue replies here; they are flushed at the end of the read batch.
    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink)

    /// Called once after each read batch: one readiness event's worth of datagrams, or
    /// ``DatagramTransportConfiguration/maximumBatchDatagrams`` of them when the event brings more. Engines
    /// flush deferred work here, such as one ACK per connection per batch.
    ///
    /// - Parameters:
    ///   - sink: Queue datagrams here; the transport flushes right after this call.
    func receiveBatchEnded(sink: inout DatagramSink)

    /// Called when the wakeup requested with ``DatagramSink/scheduleWakeup(at:)`` is due.
    ///
    /// - Parameters:
    ///   - sink: Queue datagrams and request the next wakeup here.
    func timerFired(sink: inout DatagramSink)

    /// Called when the transport can take datagrams again after ``DatagramSink/isWritable`` was `false`
    /// (the kernel's send buffer had filled and queued datagrams have now drained).
    ///
    /// - Parameters:
    ///   - sink: Resume sending here.
    func becameWritable(sink: inout DatagramSink)
}

extension DatagramHandler {
    /// Default: nothing to do at the end of a batch.
    ///
    /// - Parameters:
    ///   - sink: Unused.
    public func receiveBatchEnded(sink: inout DatagramSink) {}

    /// Default: no timer in use.
    ///
    /// - Parameters:
    ///   - sink: Unused.
    public func timerFired(sink: inout DatagramSink) {}

    /// Default: ignore writability changes.
    ///
    /// - Parameters:
    ///   - sink: Unused.
    public func becameWritable(sink: inout DatagramSink) {}
}
