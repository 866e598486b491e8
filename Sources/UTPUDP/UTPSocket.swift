// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Crypto
import UTP

/// uTP (BEP 29) over a raw UDP socket, interoperable with BitTorrent stacks (libtorrent, libutp).
///
/// ```swift
/// let listener = try await UTPSocket.bind(.init(host: "127.0.0.1", port: 6881))
/// let client = try await UTPSocket.bind(.init(host: "127.0.0.1"))
/// async let accepted = listener.accept()
/// let stream = try await client.connect(to: listener.localEndpoint)
/// try await stream.write(bytes)
/// await stream.close()
/// ```
///
/// One engine owns the connections on one SwiftNIO event loop: every datagram goes straight to the
/// multiplexer (no task hop per packet), ACKs coalesce to one per connection per read batch and writes are
/// flushed once per batch. Stream calls cost one event-loop hop each.
public final class UTPSocket: Sendable {
    /// The socket's configuration type.
    public typealias Configuration = UTPSocketConfiguration

    private let transport: DatagramTransport<UTPEngine>
    private let driver: UTPSocketDriver
    private let acceptQueue: UTPAcceptQueue
    private let closeTimeout: Duration

    /// The bound address (with the port the kernel chose when 0 was asked for).
    public var localEndpoint: UDPEndpoint { self.transport.localEndpoint }

    private init(transport: DatagramTransport<UTPEngine>, acceptQueue: UTPAcceptQueue, closeTimeout: Duration) {
        self.transport = transport
        self.driver = UTPSocketDriver(transport: transport)
        self.acceptQueue = acceptQueue
        self.closeTimeout = closeTimeout
    }

    /// Binds a socket and starts its engine.
    /// - Parameters:
    ///   - configuration: Address, payload size, limits, connection settings.
    /// - Returns: The running socket.
    /// - Throws: `DatagramTransportError` (`bindFailed`, `invalidConfiguration`).
    public static func bind(_ configuration: Configuration = Configuration()) async throws -> UTPSocket {
        var multiplexer = UTPMultiplexer<UDPEndpoint>.Configuration()
        multiplexer.connection = configuration.connection
        multiplexer.connection.maxPayloadSize = max(1, configuration.maximumPayloadSize)
        multiplexer.acceptsUnexpectedConnections = configuration.acceptsIncomingConnections
        multiplexer.maximumConnections = configuration.maximumConnections
        multiplexer.maximumConnectionsPerPeer = configuration.maximumConnectionsPerPeer
        var seed: UInt64 = 0
        withUnsafeMutableBytes(of: &seed) { SecureRandom.fill($0) }
        let engine = UTPEngine(
            configuration: multiplexer,
            seed: seed,
            inboundLimit: configuration.streamBufferSize,
            backlog: configuration.acceptBacklog
        )
        let acceptQueue = engine.acceptQueue
        var transportConfiguration = configuration.transport
        transportConfiguration.binding =
            configuration.host.contains(":")
            ? .ipv6(host: configuration.host, port: configuration.port, v6Only: false)
            : .ipv4(host: configuration.host, port: configuration.port)
        let transport = try await DatagramTransport.bind(configuration: transportConfiguration, handler: engine)
        return UTPSocket(transport: transport, acceptQueue: acceptQueue, closeTimeout: configuration.closeTimeout)
    }

    /// Opens a connection (random connection ids, BEP 29) and waits for the handshake.
    /// - Parameters:
    ///   - peer: The remote uTP endpoint.
    /// - Returns: The established stream.
    /// - Throws: ``UTPError`` `refused` (the peer answered ST_RESET), `timedOut` (no SYN-ACK after the
    ///   configured SYN retries), `connectionLimitReached`, `closed`; `CancellationError`.
    public func connect(to peer: UDPEndpoint) async throws -> UTPStream {
        let core: UTPStreamCore
        do {
            core = try await self.transport.submit { engine, sink in try engine.open(to: peer, sink: &sink) }
        } catch let error as UTPError {
            throw error
        } catch {
            throw UTPError.closed("the socket is closed")
        }
        let stream = UTPStream(core: core, driver: self.driver, closeTimeout: self.closeTimeout)
        do {
            try await core.wait(for: .connect)
        } catch {
            stream.reset()
            throw error
        }
        if let error = core.connectError { throw error }
        return stream
    }

    /// Waits for the next incoming connection.
    /// - Returns: The accepted stream.
    /// - Throws: ``UTPError`` `closed` once the socket is closed; `CancellationError`.
    public func accept() async throws -> UTPStream {
        guard let stream = try await self.acceptOrNil() else { throw UTPError.closed("the socket is closed") }
        return stream
    }

    func acceptOrNil() async throws -> UTPStream? {
        guard let core = try await self.acceptQueue.pop() else { return nil }
        return UTPStream(core: core, driver: self.driver, closeTimeout: self.closeTimeout)
    }

    /// Accepted streams as an async sequence (ends when the socket closes).
    public var incoming: Incoming { Incoming(socket: self) }

    /// Resets every connection, fails open streams and pending accepts with ``UTPError`` `closed`, and
    /// closes the UDP socket. Idempotent.
    public func close() async {
        try? await self.transport.submit { engine, sink in engine.shutDown(sink: &sink) }
        self.acceptQueue.close()
        await self.transport.close()
    }
}
