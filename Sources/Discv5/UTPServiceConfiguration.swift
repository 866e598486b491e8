// SPDX-License-Identifier: Apache-2.0

import UTP

/// How a node's built-in uTP-over-TALKREQ service runs (``NodeConfiguration/utp``).
public struct UTPServiceConfiguration: Sendable {
    /// The largest uTP packet that fits one 1280-byte discv5 packet as the `request` of a `utp` TALKREQ:
    /// 1173 bytes.
    ///
    /// 1280 (discv5 maximum) − 71 (masking IV 16, static header 23, message auth-data 32) − 16 (AES-GCM tag)
    /// − 1 (message type) − 3 (RLP list header) − 9 (request id, 8 bytes) − 4 (protocol `utp`) − 3 (RLP
    /// string header of the request) = 1173 (the node's ``Node/maximumTalkRequestSize``, 1176, minus the
    /// 3-byte protocol id).
    public static let maximumPacketSize = 1173
    /// The largest payload per uTP packet: ``maximumPacketSize`` − 20 (uTP header) − 6 (a selective ACK
    /// extension with its 4-byte mask) = 1147 bytes.
    public static let maximumPayloadSize = maximumPacketSize - 20 - 6
    /// Default payload per uTP packet: 1024 bytes. A handshake packet's auth-data is 99 bytes larger than
    /// an ordinary message's, so a packet of 1024 + 26 bytes still fits (1050 + 99 ≤ 1173) when the session
    /// must be re-established mid-stream.
    public static let defaultPayloadSize = 1024
    /// Default lifetime of an expectation (a connection id handed out, its SYN not yet seen): 20 s, long
    /// enough for a requester that must handshake first, short enough that ids handed to peers that never
    /// connect free their slot soon.
    public static let defaultExpectationLifetime: Duration = .seconds(20)
    /// Default most connections plus pending expectations in total: 1024. Each connection may hold its
    /// receive window and send buffer (1 MiB each by default); this is what bounds uTP memory.
    public static let defaultMaximumConnections = 1024
    /// Default most connections plus pending expectations per peer: 64, twice the 32 transfers `discv5 get
    /// --parallel` runs with one peer. A closed connection stops counting once it has nothing left to read
    /// (it lingers ~2 s holding only its ids, ``UTPConfiguration/closedLinger``), so the limit bounds the
    /// transfers one peer has in progress, not their rate.
    public static let defaultMaximumConnectionsPerPeer = 64
    /// Default most closed connections kept for their linger: 1024 (about 1.4 KiB each), enough for 500
    /// transfers a second to finish; past it the oldest is forgotten early.
    public static let defaultMaximumLingeringConnections = 1024

    /// How long an expectation waits for its SYN before ``UTPExpectation/accept()`` throws
    /// ``UTPError`` `timedOut`. Default ``defaultExpectationLifetime`` (20 s).
    public var expectationLifetime: Duration = defaultExpectationLifetime
    /// Most live connections plus pending expectations in total; past it ``UTPService/expect(from:)`` and
    /// ``UTPService/connect(connectionID:to:)`` throw ``UTPError`` `connectionLimitReached`. Default
    /// ``defaultMaximumConnections`` (1024).
    public var maximumConnections: Int = defaultMaximumConnections
    /// The same limit per peer (node id and endpoint). Default ``defaultMaximumConnectionsPerPeer`` (64).
    public var maximumConnectionsPerPeer: Int = defaultMaximumConnectionsPerPeer
    /// Most closed connections kept for their linger; they count toward neither limit above. Default
    /// ``defaultMaximumLingeringConnections`` (1024).
    public var maximumLingeringConnections: Int = defaultMaximumLingeringConnections
    /// Payload bytes per uTP packet, clamped to 1...``maximumPayloadSize``. Default ``defaultPayloadSize``
    /// (1024). Overrides ``connection``'s `maxPayloadSize`.
    public var payloadSize: Int = defaultPayloadSize
    /// Unread bytes a stream buffers before the node stops reading its connection (whose receive window
    /// then closes and the sender slows down). Default 1 MiB.
    public var streamBufferSize: Int = 1 << 20
    /// The most ``UTPStream/close()`` waits for both directions to end before it resets. Default 10 s.
    public var closeTimeout: Duration = .seconds(10)
    /// Settings of every connection (timers, windows, congestion control). Default: the uTP defaults.
    public var connection = UTPConfiguration()

    /// Creates the default configuration.
    public init() {}

    /// The multiplexer's settings: the firewall on (a SYN nobody expects is refused with ST_RESET), these
    /// limits, and the clamped payload size.
    package var multiplexer: UTPMultiplexer<UTPPeer>.Configuration {
        var configuration = UTPMultiplexer<UTPPeer>.Configuration()
        configuration.connection = self.connection
        configuration.connection.maxPayloadSize = self.effectivePayloadSize
        configuration.maximumConnections = max(0, self.maximumConnections)
        configuration.maximumConnectionsPerPeer = max(0, self.maximumConnectionsPerPeer)
        configuration.maximumLingeringConnections = max(0, self.maximumLingeringConnections)
        configuration.acceptsUnexpectedConnections = false
        configuration.refusal = .reset
        return configuration
    }

    /// ``payloadSize`` clamped to 1...``maximumPayloadSize``.
    var effectivePayloadSize: Int {
        min(max(1, self.payloadSize), Self.maximumPayloadSize)
    }
}
