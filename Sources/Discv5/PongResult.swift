// SPDX-License-Identifier: Apache-2.0

import ENR

/// What a PING brought back.
public struct PongResult: Sendable, Hashable {
    /// The `seq` of the peer's current record.
    public var enrSeq: UInt64
    /// The IP address the peer saw our PING come from.
    public var recipientIP: IPAddress
    /// The UDP port the peer saw our PING come from.
    public var recipientPort: UInt16
    /// Time from the call to the answer, including the handshake when one was needed.
    public var rtt: Duration

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - enrSeq: The peer's record `seq`.
    ///   - recipientIP: Our IP address as the peer saw it.
    ///   - recipientPort: Our port as the peer saw it.
    ///   - rtt: The round-trip time.
    public init(enrSeq: UInt64, recipientIP: IPAddress, recipientPort: UInt16, rtt: Duration) {
        self.enrSeq = enrSeq
        self.recipientIP = recipientIP
        self.recipientPort = recipientPort
        self.rtt = rtt
    }
}
