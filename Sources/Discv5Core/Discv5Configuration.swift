// SPDX-License-Identifier: Apache-2.0

import ENR

/// The tunables of ``Discv5Protocol``, with the defaults of the project's design table
/// ("Discovery v5 rules and defaults").
public struct Discv5Configuration: Sendable {
    /// How long one leg of a request may take: from sending the packet to the WHOAREYOU or the
    /// response, and between NODES packets. Restarted on WHOAREYOU and on each NODES packet;
    /// requests are never re-sent on timeout. Default 1 s.
    public var requestTimeout: Duration = .seconds(1)

    /// How long a WHOAREYOU challenge we sent stays valid (and is repeated byte for byte to a
    /// repeated packet). Default 2 s.
    public var challengeLifetime: Duration = .seconds(2)

    /// The most sessions kept; the least recently used is evicted beyond it. Default 1024.
    public var sessionCapacity: Int = 1024

    /// A session unused for this long is forgotten. Default 24 h.
    public var sessionIdleTimeout: Duration = .seconds(24 * 60 * 60)

    /// The most challenges (sent WHOAREYOUs awaiting a handshake) kept at once; the oldest is
    /// dropped beyond it. Default 1024.
    public var challengeCapacity: Int = 1024

    /// The most requests queued for one peer while a handshake with it is in flight, the one
    /// that triggered the handshake included. Beyond it ``Discv5Protocol/sendRequest(_:to:mode:now:)``
    /// fails the request at once with ``Discv5CoreError/Code/queueFull``. Default 32.
    public var maximumQueuedRequestsPerPeer: Int = 32

    /// The WHOAREYOU budget per source IP (a token bucket with bounded memory). WHOAREYOU is
    /// 63 bytes, smaller than any packet that triggers it, so it never amplifies; the budget
    /// keeps a spoofed flood from turning us into a reflector at high rate. Default
    /// ``TokenBucketLimiter/Configuration-swift.struct/whoAreYouPerIP`` (burst 20, then 10/s,
    /// 10 000 addresses tracked).
    public var whoAreYouRateLimit: TokenBucketLimiter<IPAddress>.Configuration = .whoAreYouPerIP

    /// The most records served in one FINDNODE answer. Default 16 (the bucket size k).
    public var maximumNodesPerResponse: Int = 16

    /// Bytes of random message content in the packet that asks for a handshake (the spec's
    /// "ordinary message packet with random message content"). Default 20.
    public var randomPacketContentSize: Int = 20

    /// Creates the default configuration.
    public init() {}
}
