// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR

/// The keys and nonce state shared with one node at one endpoint after a handshake.
///
/// Both AES-128-GCM contexts are created once, when the session is made, so sealing and
/// opening a packet never sets up a key schedule. Outgoing nonces follow discv5-theory.md,
/// "Session Cache": "encoding the current outgoing message count into the first 32 bits of
/// the nonce and filling the remaining 64 bits with random data". When the 32-bit counter is
/// spent, ``nextNonce(using:)`` returns `nil` and the owner drops the session (a new
/// handshake gives fresh keys), so no nonce repeats under one key.
///
/// A reference type: the session cache hands out the one instance per session. Not
/// `Sendable`; it belongs to the one owner of the protocol machine.
final class Session {
    /// Opens the remote's packets (the remote's write key).
    let readCipher: AES128GCM
    /// Seals our packets.
    let writeCipher: AES128GCM
    /// Masks the headers of our packets to the remote (keyed by its node id), made once.
    let mask: HeaderMask
    /// The remote's record, when known.
    var record: ENR?
    /// When the session last sealed or opened a packet.
    var lastUsed: Discv5Instant
    /// Whether the remote's record endpoint matched the endpoint the session is bound to.
    var tableEligible: Bool
    /// The read cipher of the session this one replaced at the same address, if any. When two
    /// nodes handshake with each other at the same moment, each installs the initiator session
    /// and then the recipient one, so each ends up writing with keys the other has just
    /// replaced; trying the previous read key as well keeps both directions working (and the
    /// answers already in flight) instead of losing them to a WHOAREYOU nobody asked for.
    var previousReadCipher: AES128GCM?
    /// Messages sealed so far; the next nonce's counter.
    private(set) var sentCount: UInt64 = 0
    /// The nonces of the last messages opened under this session; a repeat is a replay.
    var replayFilter: ReplayFilter

    /// Creates a session.
    ///
    /// - Parameters:
    ///   - remoteID: The remote's node id, which keys the header mask.
    ///   - readKey: The 16-byte key the remote seals with.
    ///   - writeKey: The 16-byte key we seal with.
    ///   - record: The remote's record, if known.
    ///   - tableEligible: Whether the record's endpoint is the session's endpoint.
    ///   - replayWindow: Nonces of received messages remembered to reject replays.
    ///   - now: The current time.
    init(
        remoteID: NodeID,
        readKey: [UInt8],
        writeKey: [UInt8],
        record: ENR?,
        tableEligible: Bool,
        replayWindow: Int = Discv5Configuration.defaultReplayWindow,
        now: Discv5Instant
    ) throws(CryptoError) {
        self.readCipher = try AES128GCM(key: readKey)
        self.writeCipher = try AES128GCM(key: writeKey)
        self.mask = HeaderMask(nodeID: remoteID)
        self.record = record
        self.tableEligible = tableEligible
        self.lastUsed = now
        self.replayFilter = ReplayFilter(capacity: replayWindow)
    }

    /// The largest number of messages sealed under one key: the nonce counter is 32 bits.
    static let maximumMessages: UInt64 = UInt64(UInt32.max) + 1

    /// Whether the nonce counter is spent; the session must be replaced.
    var isExhausted: Bool { sentCount >= Self.maximumMessages }

    /// The next outgoing nonce: 32-bit big-endian message count, then 64 random bits.
    ///
    /// - Parameters:
    ///   - random: The generator for the random part.
    /// - Returns: 12 bytes, or `nil` when the counter is spent.
    func nextNonce(using random: inout some RandomNumberGenerator) -> [UInt8]? {
        guard !isExhausted else { return nil }
        let counter = UInt32(truncatingIfNeeded: sentCount)
        sentCount += 1
        var nonce = [UInt8](repeating: 0, count: 12)
        nonce[0] = UInt8(truncatingIfNeeded: counter >> 24)
        nonce[1] = UInt8(truncatingIfNeeded: counter >> 16)
        nonce[2] = UInt8(truncatingIfNeeded: counter >> 8)
        nonce[3] = UInt8(truncatingIfNeeded: counter)
        let tail = random.next() as UInt64
        for index in 0..<8 {
            nonce[4 + index] = UInt8(truncatingIfNeeded: tail >> (56 - 8 * UInt64(index)))
        }
        return nonce
    }

    /// Test hook: pretends `count` messages were sealed.
    func setSentCountForTesting(_ count: UInt64) { sentCount = count }
}

@available(*, unavailable)
extension Session: Sendable {}
