// SPDX-License-Identifier: Apache-2.0

/// Counters of what ``Discv5Protocol`` did with incoming datagrams, readable by the shell.
///
/// Peer faults are never thrown and never trap: each dropped datagram increments exactly one
/// drop counter naming the reason.
public struct Discv5Metrics: Sendable, Hashable {
    /// Datagrams received.
    public var datagramsReceived: UInt64 = 0
    /// Datagrams that could not be decoded as a discv5 packet (size, masking, header).
    public var decodeFailed: UInt64 = 0
    /// Ordinary packets we could not decrypt (no session, or GCM failure), answered with WHOAREYOU.
    public var undecryptable: UInt64 = 0
    /// Ordinary packets answered with a repeat of the live cached WHOAREYOU.
    public var whoAreYouRepeated: UInt64 = 0
    /// Undecryptable packets that got no WHOAREYOU because their source IP was over its budget.
    public var rateLimited: UInt64 = 0
    /// WHOAREYOU packets that match no packet we sent to that endpoint.
    public var unsolicitedWhoAreYou: UInt64 = 0
    /// WHOAREYOU packets that would have started one handshake too many for their request
    /// (``Discv5Configuration/maximumHandshakesPerRequest``); the request fails.
    public var handshakesExceeded: UInt64 = 0
    /// Handshake packets with no live challenge for their (node, endpoint).
    public var unexpectedHandshake: UInt64 = 0
    /// Handshake packets that failed a check: record, id-signature, key agreement or decryption.
    public var handshakeFailed: UInt64 = 0
    /// Decrypted messages that did not decode (unknown type, bad RLP, over-long request id).
    public var messageDecodeFailed: UInt64 = 0
    /// Authentic messages dropped as replays: their nonce was among the session's last
    /// ``Discv5Configuration/replayWindow`` messages.
    public var replayed: UInt64 = 0
    /// Responses that match no pending request.
    public var unsolicitedResponse: UInt64 = 0
    /// Responses to requests sent in no-response mode, ignored.
    public var ignoredResponse: UInt64 = 0
    /// Records in NODES responses dropped for the wrong distance.
    public var nodesRecordRejected: UInt64 = 0
    /// Requests that could not be answered (no session to answer under, or the answer failed
    /// to encode).
    public var responseNotSent: UInt64 = 0
    /// No-response requests (uTP packets) sent under a session without being tracked: they are
    /// remembered only in a bounded first-in-first-out list (4096 entries, 1 s each) so that a
    /// WHOAREYOU can still re-send one.
    public var untrackedRequests: UInt64 = 0
    /// Sessions established (both directions).
    public var sessionsEstablished: UInt64 = 0
    /// Sessions dropped because their nonce counter was exhausted.
    public var sessionsExhausted: UInt64 = 0
    /// Sessions evicted from the full LRU cache.
    public var sessionsEvicted: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}

    /// The sum of every drop counter: datagrams received but neither answered nor delivered.
    public var dropped: UInt64 {
        decodeFailed + rateLimited + unsolicitedWhoAreYou + unexpectedHandshake + handshakeFailed
            + messageDecodeFailed + unsolicitedResponse + replayed
    }
}
