// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import UTP

/// How a ``UTPSocket`` binds and what its connections use. Every field has a documented default.
public struct UTPSocketConfiguration: Sendable {
    /// Address to bind. Default `0.0.0.0` (all IPv4 interfaces); an address with `:` binds IPv6.
    public var host: String
    /// UDP port to bind. Default 0 (an ephemeral port; see ``UTPSocket/localEndpoint``).
    public var port: UInt16
    /// Largest uTP payload per packet. Default 1400 bytes: BitTorrent stacks cap UDP payloads near 1472,
    /// and 1400 plus the 20-byte header and a selective ACK stays below it.
    public var maximumPayloadSize: Int = 1400
    /// Accept SYNs from anyone (a listener). Default `true`; `false` refuses them with ST_RESET.
    public var acceptsIncomingConnections: Bool = true
    /// Most connections in total. Default 1024: a listener accepts any SYN, so this (with the
    /// receive window and send buffer of each connection) is what bounds memory under a SYN flood;
    /// half-open connections from a flood time out after the idle timeout.
    public var maximumConnections: Int = 1024
    /// Most connections per peer endpoint. Default 16: one source cannot take the whole budget.
    public var maximumConnectionsPerPeer: Int = 16
    /// Accepted connections that may wait for ``UTPSocket/accept()``; more are reset. Default 64.
    public var acceptBacklog: Int = 64
    /// Unread bytes a stream buffers before the socket stops reading its connection (whose receive
    /// window then closes). Default 1 MiB.
    public var streamBufferSize: Int = 1 << 20
    /// The most ``UTPStream/close()`` waits for both directions to end before it resets. Default 10 s.
    public var closeTimeout: Duration = .seconds(10)
    /// Settings of every connection (``maximumPayloadSize`` overrides its payload size).
    public var connection = UTPConfiguration()
    /// Socket settings (buffer sizes, batching, offloads); the binding comes from ``host`` and ``port``.
    public var transport = DatagramTransportConfiguration()

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: Address to bind.
    ///   - port: Port to bind (0 for any).
    public init(host: String = "0.0.0.0", port: UInt16 = 0) {
        self.host = host
        self.port = port
    }
}
