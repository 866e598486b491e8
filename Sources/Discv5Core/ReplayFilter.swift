// SPDX-License-Identifier: Apache-2.0

/// The nonces of the last few messages a session opened, to reject a packet sent again.
///
/// AES-GCM proves a packet came from the session's peer, not that it is new: anyone on the path
/// can send a captured packet again and it decrypts. The spec leaves replay protection to the
/// implementation; this filter drops a message whose nonce is among the last ``capacity``
/// accepted under the session. A replay of an older message gets through, which is harmless for
/// responses (their request is no longer pending) and PING (one PONG, no bigger than the PING),
/// and at worst runs a TALK handler once more under the handler concurrency cap.
///
/// Cost: one fixed array of 64-bit nonce digests per session, allocated when the session is
/// made and never grown (``capacity`` × 8 bytes; 64 × 8 × 1024 sessions = 512 KiB at the
/// defaults); a check scans it without branching on each entry and allocates nothing.
/// A digest collision between two genuine nonces (2^-64 per pair) would drop one message,
/// which the request timeout absorbs. Only authenticated nonces are recorded, so junk cannot
/// fill the window.
struct ReplayFilter {
    /// The most recent nonces remembered.
    let capacity: Int
    private var digests: [UInt64]
    private var next = 0

    /// Creates an empty filter.
    ///
    /// - Parameters:
    ///   - capacity: Nonces remembered; 0 turns the filter off.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        // 0 never appears as a digest of a recorded nonce (see `digest`), so zeros mean "empty".
        self.digests = [UInt64](repeating: 0, count: self.capacity)
    }

    /// Records `nonce` and returns `true` when it is new; returns `false` for a nonce already
    /// among the remembered ones.
    ///
    /// - Parameters:
    ///   - nonce: The packet's 12-byte nonce.
    mutating func admit(_ nonce: ArraySlice<UInt8>) -> Bool {
        guard capacity > 0 else { return true }
        let digest = Self.digest(nonce)
        var seen: UInt64 = 0
        digests.withUnsafeBufferPointer { window in
            for value in window { seen |= value == digest ? 1 : 0 }
        }
        guard seen == 0 else { return false }
        digests[next] = digest
        next = next + 1 == capacity ? 0 : next + 1
        return true
    }

    /// Folds the 96-bit nonce into 64 bits: the 32-bit counter spread by a multiplier, added to
    /// the 64 random bits, so nonces differing in either part differ; never 0.
    static func digest(_ nonce: ArraySlice<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var index = nonce.startIndex
        for _ in 0..<4 where index < nonce.endIndex {
            head = head << 8 | UInt64(nonce[index])
            index += 1
        }
        while index < nonce.endIndex {
            tail = tail << 8 | UInt64(nonce[index])
            index += 1
        }
        let folded = tail &+ head &* 0x9E37_79B9_7F4A_7C15
        return folded == 0 ? 1 : folded
    }
}
