// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Core
import ENR
import Logging

/// How a ``Node`` runs. Every field has a documented default; a `Sendable` value, so one
/// configuration can start many nodes.
public struct NodeConfiguration: Sendable {
    /// The socket(s) a node listens on.
    public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
        /// One IPv4 socket.
        case ipv4(host: String, port: UInt16)
        /// One IPv6-only socket.
        case ipv6(host: String, port: UInt16)
        /// An IPv4 and an IPv6 socket on the same port (with port 0 both take the port the
        /// kernel gave the IPv4 one).
        case dual(ipv4Host: String, ipv6Host: String, port: UInt16)

        /// Parses `1.2.3.4:5` or `[::1]:5` (numeric addresses only).
        ///
        /// - Parameters:
        ///   - text: The address and port.
        /// - Returns: `nil` when the text is not a numeric address and port.
        public static func parse(_ text: String) -> ListenAddress? {
            guard let endpoint = UDPEndpoint(text) else { return nil }
            let host = String(endpoint.description.dropLast(":\(endpoint.port)".count))
            if endpoint.isIPv4 { return .ipv4(host: host, port: endpoint.port) }
            return .ipv6(host: String(host.dropFirst().dropLast()), port: endpoint.port)
        }

        /// `host:port`, or both hosts for a dual binding.
        public var description: String {
            switch self {
            case .ipv4(let host, let port): return "\(host):\(port)"
            case .ipv6(let host, let port): return "[\(host)]:\(port)"
            case .dual(let v4, let v6, let port): return "\(v4):\(port),[\(v6)]:\(port)"
            }
        }

        var binding: DatagramTransportConfiguration.Binding {
            switch self {
            case .ipv4(let host, let port): return .ipv4(host: host, port: port)
            case .ipv6(let host, let port): return .ipv6(host: host, port: port, v6Only: true)
            case .dual(let v4, let v6, let port): return .dual(ipv4Host: v4, ipv6Host: v6, port: port)
            }
        }
    }

    /// Default TALK handler deadline: 400 ms, well inside the requester's 1 s timeout.
    public static let defaultTalkHandlerDeadline: Duration = .milliseconds(400)
    /// Default cap on TALK handlers running at once, over all protocols: 64. Handlers run as tasks on the
    /// shared pool; 64 keeps a TALKREQ flood (one needs only a session) from queueing unbounded work,
    /// while each handler, bounded by ``defaultTalkHandlerDeadline``, frees its slot within 400 ms.
    public static let defaultMaximumConcurrentTalkHandlers = 64
    /// Default buffer of each ``Node/Events`` iterator: 256 events (the oldest are dropped).
    public static let defaultEventBufferSize = 256
    /// Default time between saves of the routing table to the data directory: 60 s.
    public static let defaultPersistInterval: Duration = .seconds(60)
    /// Default bound on waiting for cancelled TALK handlers at shutdown: 1 s.
    public static let defaultShutdownGracePeriod: Duration = .seconds(1)

    /// Where to listen. Default: IPv4 on all interfaces, port 9000 (the usual discv5 port).
    public var listen: ListenAddress = .ipv4(host: "0.0.0.0", port: 9000)

    /// The IP address to advertise in our record. Setting it fixes the address of its family:
    /// endpoint voting never changes it. Default `nil`: the listen address when it is a
    /// specific one, else none until endpoint voting finds one.
    public var enrIP: IPAddress? = nil

    /// The UDP port to advertise in our record. Default `nil`: the bound port.
    public var enrUDPPort: UInt16? = nil

    /// Whether our record names our endpoint. Default `true`. Set it to `false` for a
    /// short-lived client (a command-line query, a one-off transfer): the record then carries no
    /// IP address or UDP port, whatever ``listen``, ``enrIP`` or endpoint voting say. Peers still
    /// answer it, but none admits it to its routing table, where it would be served to others'
    /// lookups as a live node for minutes after it is gone (a lookup pays a request timeout for
    /// each such record it meets).
    public var advertisesEndpoint = true

    /// The sans-I/O engine's settings (timeouts, table, lookups, voting). Default: the
    /// engine's documented defaults.
    ///
    /// A node started with no bootnodes and no records saved in ``dataDirectory`` runs as a
    /// bootnode: its table admits nodes that contact it from the start
    /// (``RoutingTableConfiguration/inboundAdmissionThreshold`` 0, as
    /// ``Discv5EngineConfiguration/bootnode``). The anti-eclipse threshold counts nodes found by
    /// our own queries, and a node that knows no one finds none: it would never admit anyone.
    public var engine = Discv5EngineConfiguration()

    /// How long a TALK handler may take before the request is answered with an empty
    /// TALKRESP. Default ``defaultTalkHandlerDeadline`` (400 ms).
    public var talkHandlerDeadline: Duration = defaultTalkHandlerDeadline

    /// TALK handlers running at once, over all protocols; a request beyond it is answered
    /// empty at once and counted. Default ``defaultMaximumConcurrentTalkHandlers`` (64).
    public var maximumConcurrentTalkHandlers: Int = defaultMaximumConcurrentTalkHandlers

    /// The buffer of each ``Node/Events`` iterator. Default ``defaultEventBufferSize``.
    public var eventBufferSize: Int = defaultEventBufferSize

    /// Where the node keeps its table and record `seq` across restarts. Default `nil`: nothing
    /// is stored.
    public var dataDirectory: NodeDataDirectory? = nil

    /// Time between saves of the live table to ``dataDirectory``; it is also saved at shutdown.
    /// Default ``defaultPersistInterval``.
    public var persistInterval: Duration = defaultPersistInterval

    /// How long ``Node/shutdown()`` waits for TALK handlers it cancelled to end before it closes
    /// the socket anyway (a handler that ignores cancellation is then abandoned). Default
    /// ``defaultShutdownGracePeriod`` (1 s), which keeps a whole shutdown well under 2 s.
    public var shutdownGracePeriod: Duration = defaultShutdownGracePeriod

    /// Where the node logs: drops and peer faults at `debug`, lifecycle at `info`. Default: a
    /// logger labelled `discv5` with the process's logging backend.
    public var logger = Logger(label: "discv5")

    /// The UDP transport's settings (buffers, batching, offloads). Its binding is replaced by
    /// ``listen``. Default: the transport's defaults, with an 8 MiB receive buffer.
    public var transport = DatagramTransportConfiguration()

    /// The built-in uTP-over-TALKREQ service: expectation lifetime, connection limits, payload size,
    /// connection settings. Default: ``UTPServiceConfiguration``'s documented defaults.
    public var utp = UTPServiceConfiguration()

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - listen: Where to listen.
    public init(listen: ListenAddress = .ipv4(host: "0.0.0.0", port: 9000)) {
        self.listen = listen
        self.transport.receiveBufferSize = max(self.transport.receiveBufferSize, 4 << 20)
    }
}
