// SPDX-License-Identifier: Apache-2.0

/// The static header's `flag`: "The `flag` field of the header identifies the kind of packet
/// and determines the encoding of `authdata`."
public enum PacketFlag: UInt8, Sendable, Hashable, CaseIterable {
    /// An ordinary message packet (`flag = 0`): `authdata = src-id`.
    case ordinary = 0
    /// A WHOAREYOU challenge (`flag = 1`): `authdata = id-nonce || enr-seq`, no message.
    case whoAreYou = 1
    /// A handshake message packet (`flag = 2`):
    /// `authdata = src-id || sig-size || eph-key-size || id-signature || eph-pubkey || record`.
    case handshake = 2
}
