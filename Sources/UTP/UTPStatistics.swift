// SPDX-License-Identifier: Apache-2.0

/// Counters and current control values of one connection.
public struct UTPStatistics: Hashable, Sendable {
    /// Payload bytes handed to the network, retransmissions included.
    public var bytesSent = 0
    /// Payload bytes delivered in order to the read buffer.
    public var bytesReceived = 0
    /// Packets produced by `pollTransmit`.
    public var packetsSent = 0
    /// Packets passed to `handle`.
    public var packetsReceived = 0
    /// DATA/FIN packets sent again (timeout or fast retransmit).
    public var retransmissions = 0
    /// Packets declared lost by duplicate ACKs or selective ACKs.
    public var fastRetransmissions = 0
    /// Retransmission timeouts that fired.
    public var timeouts = 0
    /// Received DATA/FIN packets we already had.
    public var duplicatePacketsReceived = 0
    /// Smoothed RTT, `nil` before the first sample.
    public var smoothedRTT: Duration?
    /// Current retransmission timeout.
    public var retransmissionTimeout: Duration = .zero
    /// Congestion window in bytes.
    public var congestionWindow = 0
    /// The peer's last advertised receive window in bytes.
    public var peerWindow = 0
    /// Bytes from the first unacknowledged packet onward.
    public var bytesInFlight = 0

    /// Creates zeroed statistics.
    public init() {}
}
