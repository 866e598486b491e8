// SPDX-License-Identifier: Apache-2.0

/// A decoded incoming packet: `masking-iv || header || message` with the header unmasked and
/// validated.
///
/// All byte fields are slices of one buffer (the datagram copied once and unmasked in place),
/// so decoding allocates a single array of at most 1280 bytes plus the authdata values.
public struct Packet: Sendable, Hashable {
    /// The datagram with its header unmasked.
    private let bytes: [UInt8]
    /// The index one past the header: where the message starts.
    private let headerEnd: Int

    /// The 12-byte `nonce` of the static header.
    public let nonce: ArraySlice<UInt8>
    /// The flag-specific authdata.
    public let authData: AuthData

    init(unmasked bytes: [UInt8], headerEnd: Int, authData: AuthData) {
        self.bytes = bytes
        self.headerEnd = headerEnd
        let nonceStart = PacketLimits.headerOffset + 9
        self.nonce = bytes[nonceStart..<nonceStart + PacketLimits.nonceSize]
        self.authData = authData
    }

    /// The packet kind.
    public var flag: PacketFlag { authData.flag }

    /// The 16-byte `masking-iv`.
    public var maskingIV: ArraySlice<UInt8> { bytes[0..<PacketLimits.maskingIVSize] }

    /// The unmasked `static-header || authdata`.
    public var header: ArraySlice<UInt8> { bytes[PacketLimits.headerOffset..<headerEnd] }

    /// `masking-iv || header`, unmasked: the message's additional authenticated data
    /// (`message-ad`), and for a WHOAREYOU packet exactly its `challenge-data`.
    public var authenticatedData: ArraySlice<UInt8> { bytes[0..<headerEnd] }

    /// The encrypted message with its 16-byte tag; empty for WHOAREYOU. Not checked for
    /// length: a message too short to hold a tag fails decryption, which is what makes the
    /// recipient answer with WHOAREYOU.
    public var messageCiphertext: ArraySlice<UInt8> { bytes[headerEnd...] }
}
