// SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP endpoint (one socket, or two for dual stack) that drives a protocol engine on one SwiftNIO event
/// loop, with no task or actor hop per datagram.
///
/// The engine implements ``DatagramHandler``; the transport calls it on the event loop for every datagram,
/// at the end of each read batch, on its requested wakeup, and when sending is possible again. Whatever the
/// handler sends through its ``DatagramSink`` during one callback is written once the callback returns, with
/// `sendmmsg` (and GSO for runs of equal-size datagrams to one peer). Code outside the event loop reaches the
/// handler with ``execute(_:)`` or ``submit(_:)``: one hop per call, not per datagram.
///
/// ```swift
/// let transport = try await DatagramTransport.bind(
///     configuration: .init(binding: .ipv4(host: "0.0.0.0", port: 9000)),
///     handler: MyEngine()
/// )
/// try transport.execute { engine, sink in engine.start(sink: &sink) }
/// await transport.close()
/// ```
///
/// Reads use NIO's vector reads into one buffer of `(maximumDatagramSize + 1) × vectorReadMessageCount`
/// bytes that is reused for every read. Send errors never close the transport: each failed datagram is
/// counted and logged at `debug` (see ``DatagramSink``).
public final class DatagramTransport<Handler: DatagramHandler>: Sendable {
    /// The transport's configuration type.
    public typealias Configuration = DatagramTransportConfiguration

    private let core: NIOLoopBound<TransportCore<Handler>>
    private let channels: [any Channel]
    private let eventLoop: any EventLoop
    private let store: StatisticsStore

    /// The bound addresses: one, or IPv4 then IPv6 for a dual binding.
    public let localEndpoints: [UDPEndpoint]
    /// `SO_RCVBUF` as `getsockopt` reports it after setup (on Linux, twice the usable size it granted).
    public let effectiveReceiveBufferSize: Int
    /// `SO_SNDBUF` as `getsockopt` reports it after setup (on Linux, twice the usable size it granted).
    public let effectiveSendBufferSize: Int
    /// Whether sends use UDP segmentation offload (configured and supported by the kernel).
    public let usesSegmentationOffload: Bool
    /// Whether receives use UDP generic receive offload (configured and supported by the kernel).
    public let usesReceiveOffload: Bool

    /// The first bound address.
    public var localEndpoint: UDPEndpoint { self.localEndpoints[0] }

    /// The counters as of the end of the latest event-loop callback. Safe from any thread.
    public var statistics: DatagramTransportStatistics { self.store.statistics }

    /// Whether the transport is closed (by ``close()`` or because its socket failed).
    public var isClosed: Bool { self.store.isClosed }

    private init(
        core: NIOLoopBound<TransportCore<Handler>>,
        channels: [any Channel],
        eventLoop: any EventLoop,
        store: StatisticsStore,
        setup: Setup
    ) {
        self.core = core
        self.channels = channels
        self.eventLoop = eventLoop
        self.store = store
        self.localEndpoints = setup.localEndpoints
        self.effectiveReceiveBufferSize = setup.receiveBufferSize
        self.effectiveSendBufferSize = setup.sendBufferSize
        self.usesSegmentationOffload = setup.segmentationOffload
        self.usesReceiveOffload = setup.receiveOffload
    }

    /// What the event loop found while setting the sockets up.
    private struct Setup: Sendable {
        var core: NIOLoopBound<TransportCore<Handler>>
        var localEndpoints: [UDPEndpoint]
        var receiveBufferSize: Int
        var sendBufferSize: Int
        var segmentationOffload: Bool
        var receiveOffload: Bool
    }

    /// One socket to open.
    private struct SocketPlan {
        var host: String
        var port: UInt16
        var isIPv6: Bool
        var v6Only: Bool
    }

    /// Opens the socket(s), configures them and starts calling `handler`.
    ///
    /// - Parameters:
    ///   - configuration: Binding, buffer sizes, batching, offloads, logger.
    ///   - handler: The engine. It is handed over: from now on only the event loop touches it (reach it with
    ///     ``execute(_:)``/``submit(_:)``).
    /// - Returns: The running transport.
    /// - Throws: ``DatagramTransportError`` with code `invalidConfiguration` or `bindFailed`.
    public static func bind(
        configuration: Configuration = Configuration(),
        handler: sending Handler
    ) async throws -> DatagramTransport<Handler> {
        try Self.validate(configuration)
        let eventLoop = (configuration.eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton).next()
        let plans: [SocketPlan]
        switch configuration.binding {
        case .ipv4(let host, let port):
            plans = [SocketPlan(host: host, port: port, isIPv6: false, v6Only: false)]
        case .ipv6(let host, let port, let v6Only):
            plans = [SocketPlan(host: host, port: port, isIPv6: true, v6Only: v6Only)]
        case .dual(let ipv4Host, let ipv6Host, let port):
            plans = [
                SocketPlan(host: ipv4Host, port: port, isIPv6: false, v6Only: false),
                SocketPlan(host: ipv6Host, port: port, isIPv6: true, v6Only: true),
            ]
        }
        let receiveOffload = configuration.receiveOffload && System.supportsUDPReceiveOffload
        var channels: [any Channel] = []
        do {
            var port = plans[0].port
            for plan in plans {
                let channel = try await Self.openChannel(
                    plan,
                    port: port,
                    eventLoop: eventLoop,
                    configuration: configuration,
                    receiveOffload: receiveOffload
                )
                channels.append(channel)
                if port == 0, let bound = channel.localAddress?.port { port = UInt16(clamping: bound) }
            }
            let store = StatisticsStore()
            let transfer = UnsafeTransfer(value: handler)
            let isIPv6 = plans.map(\.isIPv6)
            let boundChannels = channels
            let setup = try await eventLoop.submit {
                try Self.setUp(
                    channels: boundChannels,
                    isIPv6: isIPv6,
                    handler: transfer.value,
                    store: store,
                    eventLoop: eventLoop,
                    configuration: configuration,
                    receiveOffload: receiveOffload
                )
            }.get()
            return DatagramTransport(
                core: setup.core,
                channels: channels,
                eventLoop: eventLoop,
                store: store,
                setup: setup
            )
        } catch {
            for channel in channels { try? await channel.close() }
            if let error = error as? DatagramTransportError { throw error }
            throw DatagramTransportError.bindFailed("\(error)")
        }
    }

    private static func validate(_ configuration: Configuration) throws {
        guard (1...65_535).contains(configuration.maximumDatagramSize) else {
            throw DatagramTransportError.invalidConfiguration("maximumDatagramSize must be 1...65535")
        }
        guard (1...1024).contains(configuration.vectorReadMessageCount) else {
            throw DatagramTransportError.invalidConfiguration("vectorReadMessageCount must be 1...1024")
        }
        guard configuration.readsPerBatch >= 1 else {
            throw DatagramTransportError.invalidConfiguration("readsPerBatch must be at least 1")
        }
        guard configuration.maximumBatchDatagrams >= 1 else {
            throw DatagramTransportError.invalidConfiguration("maximumBatchDatagrams must be at least 1")
        }
        guard configuration.receiveBufferSize >= 0, configuration.sendBufferSize >= 0 else {
            throw DatagramTransportError.invalidConfiguration("buffer sizes must not be negative")
        }
    }

    private static func openChannel(
        _ plan: SocketPlan,
        port: UInt16,
        eventLoop: any EventLoop,
        configuration: Configuration,
        receiveOffload: Bool
    ) async throws -> any Channel {
        // With GRO a slot must hold a whole coalesced run (up to 64 KiB); otherwise one byte more than the
        // largest datagram, so that anything longer shows up as oversize instead of being cut silently.
        let slot = receiveOffload ? 65_536 : configuration.maximumDatagramSize + 1
        let messages = configuration.vectorReadMessageCount
        var bootstrap = DatagramBootstrap(group: eventLoop)
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: UInt(configuration.readsPerBatch))
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: slot * messages))
        if messages > 1 {
            bootstrap = bootstrap.channelOption(.datagramVectorReadMessageCount, value: messages)
        }
        if plan.isIPv6 {
            bootstrap = bootstrap.channelOption(
                .socket(SocketOptionLevel(IPPROTO_IPV6), SocketOptionName(IPV6_V6ONLY)),
                value: plan.v6Only ? 1 : 0
            )
        }
        return try await bootstrap.bind(host: plan.host, port: Int(port)).get()
    }

    /// On the event loop: socket options, senders, the core, the pipeline handlers; then start reading.
    private static func setUp(
        channels: [any Channel],
        isIPv6: [Bool],
        handler: Handler,
        store: StatisticsStore,
        eventLoop: any EventLoop,
        configuration: Configuration,
        receiveOffload: Bool
    ) throws -> Setup {
        guard SystemCalls.layoutsMatch else {
            throw DatagramTransportError.bindFailed(
                "this platform's msghdr layout is not the one the send path expects"
            )
        }
        let counters = CounterBox()
        let carriesIPv4 = channels.count == 1 && isIPv6[0]
        let v6OnlyBinding: Bool
        if case .ipv6(_, _, let v6Only) = configuration.binding { v6OnlyBinding = v6Only } else { v6OnlyBinding = true }
        let outbound = OutboundContext(
            ipv6CarriesIPv4: carriesIPv4 && !v6OnlyBinding,
            counters: counters,
            logger: configuration.logger
        )
        let segmentationOffload = configuration.segmentationOffload && System.supportsUDPSegmentationOffload
        var receiveBufferSize = 0
        var sendBufferSize = 0
        var endpoints: [UDPEndpoint] = []
        for (index, channel) in channels.enumerated() {
            guard
                let descriptor = try channel.pipeline.syncOperations.withUnsafeTransportIfAvailable(
                    of: NIOBSDSocket.Handle.self,
                    { $0 }
                )
            else {
                throw DatagramTransportError.bindFailed("the channel does not expose its socket")
            }
            let receive = SocketBufferSizing.apply(
                descriptor: descriptor,
                direction: .receive,
                requested: configuration.receiveBufferSize
            )
            let send = SocketBufferSizing.apply(
                descriptor: descriptor,
                direction: .send,
                requested: configuration.sendBufferSize
            )
            if index == 0 {
                receiveBufferSize = receive
                sendBufferSize = send
            }
            if receiveOffload, let options = channel.syncOptions {
                try options.setOption(.datagramReceiveOffload, value: true)
                try options.setOption(.datagramReceiveSegmentSize, value: true)
            }
            let sender = SocketSender(
                channel: channel,
                descriptor: descriptor,
                isIPv6: isIPv6[index],
                segmentationOffload: segmentationOffload,
                configuration: configuration,
                counters: counters
            )
            if isIPv6[index] { outbound.ipv6 = sender } else { outbound.ipv4 = sender }
            guard let address = channel.localAddress, let endpoint = UDPEndpoint(address) else {
                throw DatagramTransportError.bindFailed("no local address")
            }
            endpoints.append(endpoint)
        }
        let core = TransportCore(
            handler: handler,
            outbound: outbound,
            counters: counters,
            store: store,
            eventLoop: eventLoop,
            configuration: configuration,
            channelCount: channels.count
        )
        for (index, channel) in channels.enumerated() {
            try channel.pipeline.syncOperations.addHandler(TransportChannelHandler(core: core, isIPv6: isIPv6[index]))
        }
        for channel in channels {
            try channel.syncOptions?.setOption(.autoRead, value: true)
        }
        return Setup(
            core: NIOLoopBound(core, eventLoop: eventLoop),
            localEndpoints: endpoints,
            receiveBufferSize: receiveBufferSize,
            sendBufferSize: sendBufferSize,
            segmentationOffload: segmentationOffload,
            receiveOffload: receiveOffload
        )
    }

    /// Runs `body` on the event loop with the handler and a sink, then flushes what it sent. Returns at once.
    ///
    /// - Parameters:
    ///   - body: Runs on the event loop; must not block. If the transport closes before it gets to run, it
    ///     does not run.
    /// - Throws: ``DatagramTransportError`` `closed` if the transport is already closed.
    public func execute(_ body: @escaping @Sendable (Handler, inout DatagramSink) -> Void) throws {
        guard !self.store.isClosed else { throw DatagramTransportError.closed() }
        let core = self.core
        self.eventLoop.execute {
            _ = try? core.value.run(body)
        }
    }

    /// Runs `body` on the event loop with the handler and a sink, flushes what it sent, and returns its result.
    ///
    /// - Parameters:
    ///   - body: Runs on the event loop; must not block.
    /// - Returns: What `body` returned.
    /// - Throws: ``DatagramTransportError`` `closed` if the transport is closed, or what `body` throws.
    public func submit<Result: Sendable>(
        _ body: @escaping @Sendable (Handler, inout DatagramSink) throws -> Result
    ) async throws -> Result {
        guard !self.store.isClosed else { throw DatagramTransportError.closed() }
        let core = self.core
        return try await self.eventLoop.submit {
            try core.value.run(body)
        }.get()
    }

    /// Closes the socket(s) and stops all handler calls. Queued datagrams are dropped (counted). Idempotent.
    public func close() async {
        for channel in self.channels {
            try? await channel.close()
        }
        let core = self.core
        try? await self.eventLoop.submit {
            core.value.shutDown()
        }.get()
    }
}
