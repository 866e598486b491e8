// SPDX-License-Identifier: Apache-2.0

import ENR

/// A WHOAREYOU we sent and keep for the handshake that should answer it.
///
/// discv5-theory.md, Step 2: "Node B must also store the A's record and the WHOAREYOU
/// challenge for a short duration after sending it to node A because they will be needed
/// again in step 4."
struct Challenge {
    /// `masking-iv || static-header || authdata` of the WHOAREYOU: the HKDF salt and part of
    /// the id-signature input.
    let challengeData: [UInt8]
    /// The datagram as sent, repeated byte for byte to further undecryptable packets from the
    /// same node and endpoint while the challenge lives.
    let packet: [UInt8]
    /// The record of the remote we held when challenging (its `seq` is the challenge's
    /// `enr-seq`), or `nil` (then `enr-seq` was 0 and the handshake must carry a record).
    let record: ENR?
    /// When the challenge stops being valid.
    let expiry: Discv5Instant
}
