// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

/// How a ``DatagramTransport`` opens and drives its socket(s). Every field has a documented default.
public struct DatagramTransportConfiguration: Sendable {
    /// Which socket(s) to open.
    public enum Binding: Sendable, Hashable {
        /// One IPv4 socket.
        case ipv4(host: String, port: UInt16)
        /// One IPv6 socket. Unless `v6Only`, it also reaches IPv4 peers through IPv4-mapped addresses
        /// (Linux `bindv6only=0`); they are reported as plain IPv4 endpoints.
        case ipv6(host: String, port: UInt16, v6Only: Bool)
        /// Two sockets, IPv4 and IPv6 (`IPV6_V6ONLY`), on the same port (when `port` is 0 the IPv6 socket takes
        /// the port the kernel gave the IPv4 one). Datagrams go out on the socket of the peer's family.
        case dual(ipv4Host: String, ipv6Host: String, port: UInt16)
    }

    /// The socket(s) to bind. Default: IPv4 on all interfaces, an ephemeral port.
    public var binding: Binding = .ipv4(host: "0.0.0.0", port: 0)

    /// The requested `SO_RCVBUF`, in bytes. Default 8 MiB. When the kernel caps it (`net.core.rmem_max`),
    /// the transport retries with `SO_RCVBUFFORCE`, which works as root (`CAP_NET_ADMIN`). The effective value
    /// is in ``DatagramTransport/effectiveReceiveBufferSize``.
    public var receiveBufferSize: Int = 8 << 20

    /// The requested `SO_SNDBUF`, in bytes. Default 4 MiB; `SO_SNDBUFFORCE` past `net.core.wmem_max` likewise.
    public var sendBufferSize: Int = 4 << 20

    /// Datagrams read per `recvmmsg` call. Default 64; 1 reads with one `recvmsg` per datagram.
    public var vectorReadMessageCount: Int = 64

    /// `recvmmsg`/`recvmsg` calls per readiness event; one event is one read batch, ended by
    /// ``DatagramHandler/receiveBatchEnded(sink:)``. Default 4 (NIO's default).
    public var readsPerBatch: Int = 4

    /// Datagrams after which the transport ends a batch on its own, inside a readiness event:
    /// ``DatagramHandler/receiveBatchEnded(sink:)`` runs and the sends queued so far are written, then reading
    /// goes on. Default 256. With ``receiveOffload`` one readiness event can carry thousands of datagrams
    /// (each read slot holds a coalesced run of up to 64); acknowledging only after all of them would let a
    /// sender's whole window arrive before its first ACK leaves, and sender and receiver would take turns
    /// instead of working at once (measured: 32 concurrent uTP transfers at 0.6 of one stream's rate).
    public var maximumBatchDatagrams: Int = 256

    /// The largest datagram the handler accepts, in bytes. Default 2048 (above any 1500-byte-MTU payload).
    ///
    /// Each receive slot is one byte larger, so a longer datagram (which the kernel truncates to the slot) is
    /// recognised, dropped, and counted in ``DatagramTransportStatistics/truncated``. The receive buffer is
    /// sized `(maximumDatagramSize + 1) × vectorReadMessageCount`: NIO splits it evenly among the messages
    /// of a vector read, so a smaller buffer would silently truncate datagrams.
    public var maximumDatagramSize: Int = 2048

    /// Send runs of equal-size datagrams to one peer as one GSO message (`UDP_SEGMENT`), when the kernel
    /// supports it (`System.supportsUDPSegmentationOffload`). Default `true`: it saves per-datagram work in
    /// the kernel's send path. The peer still receives ordinary datagrams.
    public var segmentationOffload: Bool = true

    /// Ask the kernel to coalesce received datagrams (`UDP_GRO`), when supported
    /// (`System.supportsUDPReceiveOffload`). The transport splits them again, so handlers see single datagrams
    /// either way. Default `true`: a GSO send on loopback then arrives as one read instead of up to 64, which
    /// measured ~4× the datagram rate of the plain path with `udp-blast`. Cost: each slot of a vector read
    /// holds 64 KiB, so the reused receive buffer is `64 KiB × vectorReadMessageCount` (4 MiB by default).
    public var receiveOffload: Bool = true

    /// Bytes that may wait in memory when the kernel's send buffer is full. Beyond this, datagrams are dropped
    /// and counted in ``DatagramTransportStatistics/sendDropped``. Default 4 MiB.
    public var maximumQueuedSendBytes: Int = 4 << 20

    /// Datagrams queued in one callback before the transport writes them without waiting for the callback
    /// to end, which bounds the batch buffer. Default 1024.
    public var maximumPendingDatagrams: Int = 1024

    /// The event loop group to take the transport's single event loop from. Default `nil`:
    /// `MultiThreadedEventLoopGroup.singleton`.
    public var eventLoopGroup: (any EventLoopGroup)? = nil

    /// Where drops and errors are logged (at `debug`). Default: a logger that discards everything.
    public var logger: Logger = Logger(label: "DatagramTransport", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Creates a configuration with every default and the given binding.
    ///
    /// - Parameters:
    ///   - binding: The socket(s) to bind.
    public init(binding: Binding = .ipv4(host: "0.0.0.0", port: 0)) {
        self.binding = binding
    }
}
