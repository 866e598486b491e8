// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// No-response requests sent under an existing session, remembered only as long as a WHOAREYOU
/// could still answer them.
///
/// uTP over TALKREQ sends one such request per data packet, tens of thousands a second. Tracking each
/// as an ordinary request (four indexes and a deadline heap) cost more than sealing it, although none
/// ever times out or completes. They all share one lifetime, so a FIFO in send order holds them: its
/// front expires first. Two questions reach them: "does this WHOAREYOU answer one?" (the peer lost our
/// session; the request is then promoted to a tracked one and re-sent in the handshake), through a
/// nonce index, and "is this TALKRESP an answer to one?" (to count it as ignored, not unsolicited),
/// through the request id, which is a fixed random base plus the entry's sequence number and so needs
/// no index. The FIFO holds at most ``capacity`` entries: a WHOAREYOU answers one of the newest sends,
/// and an older one evicted early only means the next send to that peer triggers the handshake.
struct UntrackedSends {
    /// A request's 12-byte packet nonce as two integers (cheap to hash and compare).
    struct NonceKey: Hashable {
        var high: UInt64
        var low: UInt32

        init?(_ nonce: some Collection<UInt8>) {
            guard nonce.count == 12 else { return nil }
            var high: UInt64 = 0
            var low: UInt32 = 0
            for (index, byte) in nonce.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt32(byte) }
            }
            self.high = high
            self.low = low
        }
    }

    struct Entry {
        var contact: NodeContact
        var request: OutgoingRequest
        var nonce: NonceKey
        var deadline: Discv5Instant
        /// Cleared once a WHOAREYOU promoted the entry to a tracked request.
        var isLive: Bool
    }

    /// The most entries kept.
    let capacity: Int
    private let requestIDBase: UInt64
    private var entries: Deque<Entry> = []
    /// The sequence number of `entries.first`.
    private var firstSequence: UInt64 = 0
    private var byNonce: [NonceKey: UInt64] = [:]

    init(capacity: Int, requestIDBase: UInt64) {
        self.capacity = capacity
        self.requestIDBase = requestIDBase
    }

    /// The entries held (live or promoted).
    var count: Int { entries.count }

    /// The request id the next ``append(_:now:)`` will hold.
    var nextRequestID: UInt64 {
        requestIDBase &+ firstSequence &+ UInt64(entries.count)
    }

    /// Remembers a sent request whose packet carried `entry.nonce` and whose request id was
    /// ``nextRequestID``; drops expired and surplus entries first.
    mutating func append(_ entry: Entry, now: Discv5Instant) {
        removeExpired(now: now)
        while entries.count >= capacity { removeFirst() }
        let sequence = firstSequence &+ UInt64(entries.count)
        entries.append(entry)
        byNonce[entry.nonce] = sequence
    }

    /// Drops the entries whose lifetime ended.
    mutating func removeExpired(now: Discv5Instant) {
        while let first = entries.first, first.deadline <= now { removeFirst() }
    }

    /// Takes out the live entry a WHOAREYOU with `nonce` answers, if it was sent to `endpoint`.
    mutating func promote(
        nonce: some Collection<UInt8>,
        from endpoint: NodeEndpoint,
        now: Discv5Instant
    ) -> (entry: Entry, requestID: UInt64)? {
        guard let key = NonceKey(nonce), let sequence = byNonce[key] else { return nil }
        let index = Int(sequence &- firstSequence)
        guard index >= 0, index < entries.count, entries[index].isLive,
            entries[index].contact.endpoint == endpoint, entries[index].deadline > now
        else { return nil }
        let entry = entries[index]
        // The peer lost the session: the other packets sent under it are lost too (their sender
        // retransmits), and answering each of their WHOAREYOUs would start one handshake apiece.
        let address = entry.contact.address
        for other in entries.indices where entries[other].isLive && entries[other].contact.address == address {
            entries[other].isLive = false
            byNonce[entries[other].nonce] = nil
        }
        return (entry, requestIDBase &+ sequence)
    }

    /// Whether a response from `peer` carries the request id of one of the entries sent to it.
    func answers(requestID: [UInt8], from peer: NodeAddress) -> Bool {
        guard requestID.count == 8 else { return false }
        var value: UInt64 = 0
        for byte in requestID { value = value << 8 | UInt64(byte) }
        let index = value &- requestIDBase &- firstSequence
        guard index < UInt64(entries.count) else { return false }
        return entries[Int(index)].contact.address == peer
    }

    private mutating func removeFirst() {
        let entry = entries.removeFirst()
        if entry.isLive { byNonce[entry.nonce] = nil }
        firstSequence &+= 1
    }
}
