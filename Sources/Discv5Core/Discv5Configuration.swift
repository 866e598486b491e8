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

    /// The most sessions kept; the least recently used is evicted beyond it. Default 1024:
    /// a session costs about 1 KiB (two cipher contexts, the record, the replay window), so the
    /// cache stays near 1 MiB however many nodes handshake with us, while 1024 is several
    /// times the peers a node talks to in steady state (a full table holds far fewer live
    /// entries near us). An attacker completing handshakes from many ids can evict
    /// sessions, which costs their peers one new handshake, never correctness.
    public var sessionCapacity: Int = 1024

    /// A session unused for this long is forgotten (sessions are swept once a minute). Default
    /// ``defaultSessionIdleTimeout`` (10 min).
    public var sessionIdleTimeout: Duration = defaultSessionIdleTimeout
    /// Default ``sessionIdleTimeout``: 10 min, twice the table's liveness check interval, so the
    /// session with a node in our table (checked every 5 min, and checking us as often) never
    /// idles out, while one with a peer that came once (a client fetching a value, a lookup
    /// passing by) is gone 10 minutes later. With a day, as before, every new peer's session
    /// (about 5 KB) stayed until ``sessionCapacity`` evicted it: a node serving short-lived
    /// clients grew by about 5 MB over its first 1024 of them. A peer back after the timeout
    /// costs one handshake.
    public static let defaultSessionIdleTimeout: Duration = .seconds(600)

    /// The most challenges (sent WHOAREYOUs awaiting a handshake; "pending handshakes" on the
    /// recipient side) kept at once; the oldest is dropped beyond it. Default 1024: a challenge
    /// is about 200 bytes and lives ``challengeLifetime`` (2 s), so 1024 covers 500 new
    /// handshakes per second, more than the WHOAREYOU rate limit lets through from a few
    /// addresses; a flood from many addresses only displaces challenges (their handshakes
    /// then fail and are retried by the peer), never grows memory.
    public var challengeCapacity: Int = 1024

    /// The most requests queued for one peer while a handshake with it is in flight, the one
    /// that triggered the handshake included. Beyond it ``Discv5Protocol/sendRequest(_:to:mode:now:)``
    /// fails the request at once with ``Discv5CoreError/Code/queueFull``. Default 32: a lookup
    /// sends one request per peer and uTP a few packets before the session exists, so 32 is
    /// ample, and a peer that never answers the handshake pins at most 32 requests (they time
    /// out with the handshake).
    public var maximumQueuedRequestsPerPeer: Int = 32

    /// The WHOAREYOU budget per source IP (a token bucket with bounded memory). WHOAREYOU is
    /// 63 bytes, smaller than any packet that triggers it, so it never amplifies; the budget
    /// keeps a spoofed flood from turning us into a reflector at high rate. Default
    /// ``TokenBucketLimiter/Configuration-swift.struct/whoAreYouPerIP`` (burst 20, then 10/s,
    /// 10 000 addresses tracked).
    public var whoAreYouRateLimit: TokenBucketLimiter<IPAddress>.Configuration = .whoAreYouPerIP

    /// The most records served in one FINDNODE answer. Default 16 (the bucket size k): what a
    /// lookup needs, and it bounds the answer (at most 16 × 300-byte records, about 4 NODES
    /// packets) to a FINDNODE of under 100 bytes. ``Discv5EngineConfiguration`` raises it to
    /// 48, `k` per asked distance. On the receiving side NODES answers are capped at 16
    /// packets (``NodesResponseCollector/maximumResponseCount``) whatever `total` says.
    public var maximumNodesPerResponse: Int = 16

    /// Bytes of random message content in the packet that asks for a handshake (the spec's
    /// "ordinary message packet with random message content"). Default 20.
    public var randomPacketContentSize: Int = 20

    /// Default ``replayWindow``: 64 nonces per session.
    public static let defaultReplayWindow = 64

    /// Default ``maximumHandshakesPerRequest``: 2.
    public static let defaultMaximumHandshakesPerRequest = 2

    /// Nonces of received messages each session remembers; a message whose nonce is among them
    /// is dropped as a replay (``Discv5Metrics/replayed``). Default ``defaultReplayWindow`` (64):
    /// far more than the packets in flight between two nodes (uTP keeps its own order), at
    /// 512 bytes per session (512 KiB at 1024 sessions); a check scans 64 words and allocates
    /// nothing. 0 turns the filter off. Older messages replayed get through; see SECURITY.md.
    public var replayWindow: Int = defaultReplayWindow

    /// Handshakes one request may start: each WHOAREYOU answering it after the last one
    /// starts another, and restarts its timer. Beyond it the request fails with
    /// ``Discv5CoreError/Code/handshakeFailed``. Default ``defaultMaximumHandshakesPerRequest``
    /// (2): the first handshake, plus one when two nodes handshake with each other at the same
    /// moment and one side's session is replaced; a peer that answers every packet with
    /// WHOAREYOU can no longer keep a request (and us doing ECDH) alive forever.
    public var maximumHandshakesPerRequest: Int = defaultMaximumHandshakesPerRequest

    /// Creates the default configuration.
    public init() {}
}
