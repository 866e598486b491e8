// SPDX-License-Identifier: Apache-2.0

/// Tunables of a uTP connection. Every default follows BEP 29, libutp/libtorrent deployed
/// behaviour, or the project's architecture table ("uTP engine rules and defaults").
public struct UTPConfiguration: Hashable, Sendable {
    /// Largest payload per DATA packet in bytes. Default 1024: fits one 1280-byte discv5 packet even
    /// when a handshake must be redone mid-stream; raw UDP may use up to 1400 (BitTorrent stacks cap
    /// UDP payloads near 1472 bytes). A selective ACK adds 6 header bytes on top.
    public var maxPayloadSize: Int = 1024

    /// Receive buffer in bytes; we advertise its real free space as `wnd_size`, and out-of-order
    /// data is accepted only while it fits, so it bounds in-order plus out-of-order bytes held
    /// per connection whatever the peer sends. Default 1 MiB (libutp's default receive buffer):
    /// a full window at loopback RTTs, and 1 GiB at the 1024-connection cap at worst.
    public var receiveWindow: Int = 1 << 20

    /// Bytes ``UTPConnection/write(_:)`` accepts beyond what the peer has acknowledged
    /// (unsent plus unacknowledged). Writes beyond it are refused: backpressure. Default 1 MiB:
    /// enough to keep a 1 MiB peer window full, and a peer that stops acknowledging pins no
    /// more than this.
    public var sendBufferSize: Int = 1 << 20

    /// Window assumed for a peer whose SYN advertised `wnd_size` 0 (libtorrent does this; it is not
    /// a closed window) until its first real advertisement. Default 1 MiB.
    public var assumedPeerWindow: Int = 1 << 20

    /// Retransmission timeout before any RTT sample. Default 1 s (RFC 6298, libutp).
    public var initialRetransmissionTimeout: Duration = .seconds(1)
    /// Lower bound of the RTO. Default 0.5 s (libutp).
    public var minimumRetransmissionTimeout: Duration = .milliseconds(500)
    /// Upper bound of the RTO, also capping exponential backoff. Default 4 s.
    public var maximumRetransmissionTimeout: Duration = .seconds(4)

    /// Delay before the first SYN retransmission. Default 1 s (BEP 29 / libutp).
    public var synRetransmissionTimeout: Duration = .seconds(1)
    /// Factor applied to the SYN timeout after each retransmission. Default 1.5.
    public var synBackoffFactor: Double = 1.5
    /// Total SYN transmissions before giving up with ``UTPCloseReason/timedOut``. Default 5.
    public var maximumSynTransmissions: Int = 5

    /// Consecutive retransmission timeouts without progress that kill the connection
    /// ("a packet lost 4 times in a row", libutp). Default 4.
    public var maximumConsecutiveTimeouts: Int = 4

    /// Time without any packet from the peer after which the connection times out. Default 10 s.
    public var idleTimeout: Duration = .seconds(10)
    /// Time without anything sent after which we send a keep-alive STATE, so that a live but
    /// quiet peer does not hit its idle timeout. Default 4 s (less than half the idle timeout).
    public var keepAliveInterval: Duration = .seconds(4)
    /// How long a connection that closed gracefully keeps answering a retransmitted FIN before
    /// it may be released. Default 2 s.
    public var closedLinger: Duration = .seconds(2)

    /// LEDBAT target queuing delay. Default 100 ms (BEP 29, libutp `CCONTROL_TARGET`).
    public var targetDelay: Duration = .milliseconds(100)
    /// LEDBAT gain: the most the congestion window grows per RTT, in bytes. Default 3000
    /// (libutp `MAX_CWND_INCREASE_BYTES_PER_RTT`).
    public var maxWindowIncreaseBytesPerRTT: Int = 3000
    /// Number of one-minute buckets over which the delay base is the minimum. Default 13.
    public var delayBaseHistoryLength: Int = 13
    /// Length of one delay-base bucket. Default 60 s.
    public var delayBaseInterval: Duration = .seconds(60)
    /// Minimum time between two multiplicative decreases on loss. Default 100 ms (libutp).
    public var lossDecreaseInterval: Duration = .milliseconds(100)
    /// Congestion window at start, in packets (slow start begins here). Default 2.
    public var initialWindowPackets: Int = 2
    /// Floor of the congestion window in packets, except right after a timeout (1 packet). Default 2.
    public var minimumWindowPackets: Int = 2
    /// Ceiling of the congestion window in bytes. Default 16 MiB.
    public var maximumWindow: Int = 16 << 20

    /// Highest distance (in packets) past the next expected sequence number at which out-of-order
    /// packets are buffered; also the most packets we keep in flight. Default 2048: twice a
    /// 1 MiB window of 1024-byte packets, and it bounds the out-of-order slot table of a peer
    /// sending tiny packets far ahead.
    public var maximumPacketsInFlight: Int = 2048

    /// Creates the default configuration.
    public init() {}
}
