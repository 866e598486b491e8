// SPDX-License-Identifier: Apache-2.0

/// The sizes and limits of Discovery v5.1 packets (devp2p `discv5/discv5-wire.md`), named so
/// that every check in the codec cites one of them.
public enum PacketLimits {
    /// "The minimum size of any Discovery v5 packet is 63 bytes. Implementations should reject
    /// packets smaller than this size." (A WHOAREYOU packet is exactly this size.)
    public static let minimumPacketSize = 63

    /// "The maximum size of any packet is 1280 bytes. Implementations should not generate or
    /// process packets larger than this size."
    public static let maximumPacketSize = 1280

    /// `protocol-id = "discv5"`.
    public static let protocolID: [UInt8] = Array("discv5".utf8)

    /// `version = 0x0001`.
    public static let version: UInt16 = 0x0001

    /// `masking-iv = uint128`: 16 bytes at the start of every packet.
    public static let maskingIVSize = 16

    /// `nonce = uint96`: the 12-byte AES-GCM nonce carried in the static header.
    public static let nonceSize = 12

    /// `static-header = protocol-id || version || flag || nonce || authdata-size`:
    /// 6 + 2 + 1 + 12 + 2 = 23 bytes.
    public static let staticHeaderSize = 23

    /// The offset of the static header in a packet (it follows the masking IV).
    public static let headerOffset = maskingIVSize

    /// Ordinary message packet: `authdata = src-id`, `authdata-size = 32`.
    public static let ordinaryAuthDataSize = 32

    /// WHOAREYOU packet: `authdata = id-nonce || enr-seq`, `authdata-size = 24`.
    public static let whoAreYouAuthDataSize = 24

    /// `id-nonce = uint128`: the WHOAREYOU challenge's random 16 bytes.
    public static let idNonceSize = 16

    /// Handshake packet: `authdata-head = src-id || sig-size || eph-key-size` is 34 bytes;
    /// `authdata-size = 34 + sig-size + eph-key-size + len(record)`.
    public static let handshakeAuthDataHeadSize = 34

    /// `sig-size`: "64 for ID scheme "v4"" (`r || s`).
    public static let idSignatureSize = 64

    /// `eph-key-size`: "33 for ID scheme "v4"" (a compressed secp256k1 point).
    public static let ephemeralKeySize = 33

    /// A handshake packet's `authdata-size` without a record: 34 + 64 + 33 = 131.
    public static let handshakeAuthDataSizeWithoutRecord =
        handshakeAuthDataHeadSize + idSignatureSize + ephemeralKeySize

    /// The largest record a handshake packet may carry: EIP-778 caps a record at 300 bytes.
    public static let maximumRecordSize = 300

    /// The AES-GCM tag appended to every message: 16 bytes.
    public static let tagSize = 16

    /// "`request-id` is an RLP byte array of length <= 8 bytes."
    public static let maximumRequestIDSize = 8

    /// The largest FINDNODE distance: log2 distances of 256-bit ids run from 0 to 256.
    public static let maximumDistance: UInt16 = 256

    /// The size of a WHOAREYOU packet, which carries no message: 16 + 23 + 24 = 63 bytes.
    public static let whoAreYouPacketSize = maskingIVSize + staticHeaderSize + whoAreYouAuthDataSize

    /// Packet bytes an ordinary message packet spends around its message plaintext:
    /// masking IV, static header, authdata and the GCM tag (16 + 23 + 32 + 16 = 87).
    public static let ordinaryPacketOverhead = maskingIVSize + staticHeaderSize + ordinaryAuthDataSize + tagSize

    /// The largest message plaintext (`message-type || message-data`) that fits in an
    /// ordinary message packet: 1280 − 87 = 1193 bytes.
    public static let maximumOrdinaryMessageSize = maximumPacketSize - ordinaryPacketOverhead

    /// The largest message plaintext that fits in a handshake packet carrying no record:
    /// 1280 − (16 + 23 + 131 + 16) = 1094 bytes. Size a request by this when it may have to be
    /// re-sent as the handshake packet after a WHOAREYOU.
    public static let maximumHandshakeMessageSize =
        maximumPacketSize - (maskingIVSize + staticHeaderSize + handshakeAuthDataSizeWithoutRecord + tagSize)

    /// The largest message plaintext that fits in a handshake packet carrying a 300-byte
    /// record: 1280 − (16 + 23 + 431 + 16) = 794 bytes.
    public static let maximumHandshakeWithRecordMessageSize = maximumHandshakeMessageSize - maximumRecordSize
}
