// SPDX-License-Identifier: Apache-2.0

/// A snapshot of a transport's counters, as published at the end of the latest event-loop callback.
public struct DatagramTransportStatistics: Sendable, Hashable {
    /// Datagrams delivered to the handler.
    public var datagramsReceived: UInt64 = 0
    /// Payload bytes delivered to the handler.
    public var bytesReceived: UInt64 = 0
    /// Read batches (``DatagramHandler/receiveBatchEnded(sink:)`` calls).
    public var receiveBatches: UInt64 = 0
    /// Datagrams dropped because they were larger than
    /// ``DatagramTransportConfiguration/maximumDatagramSize`` (and so possibly truncated by the kernel).
    public var truncated: UInt64 = 0
    /// Non-fatal receive errors reported by the socket (for example `ECONNREFUSED`).
    public var receiveErrors: UInt64 = 0
    /// Datagrams handed to the kernel.
    public var datagramsSent: UInt64 = 0
    /// Payload bytes handed to the kernel.
    public var bytesSent: UInt64 = 0
    /// `sendmmsg` calls made.
    public var sendCalls: UInt64 = 0
    /// Messages sent as one GSO super-datagram (each carries several datagrams).
    public var segmentedMessages: UInt64 = 0
    /// Datagrams that could not be sent: bad destination, no socket of the family, or a kernel error.
    public var sendErrors: UInt64 = 0
    /// Datagrams dropped because the send queue held more than
    /// ``DatagramTransportConfiguration/maximumQueuedSendBytes``, or the transport was closed.
    public var sendDropped: UInt64 = 0
    /// Times the kernel send buffer was full (`EAGAIN`) and datagrams were queued.
    public var sendBlocked: UInt64 = 0

    /// All zero.
    public init() {}
}
