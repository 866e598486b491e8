// SPDX-License-Identifier: Apache-2.0

/// The Portal-style content exchange: protocol ids and the limits of the Portal wire protocol.
///
/// The messages are those of the Portal wire protocol (ethereum/portal-network-specs,
/// `portal-wire-protocol.md`), each an SSZ union member: a one-byte selector, then the SSZ
/// serialization of its container. This module carries four of them:
///
/// | selector | message | SSZ |
/// | --- | --- | --- |
/// | `0x04` | ``FindContent`` | `Container(content_key: ByteList[2048])` |
/// | `0x05` | ``Content`` | `Union[connection_id: Bytes2, content: ByteList[2048], enrs: List[ByteList[2048], 32]]` |
/// | `0x06` | ``Offer`` | `Container(content_keys: List[ByteList[2048], limit=64])` |
/// | `0x07` | ``Accept`` | `Container(connection_id: Bytes2, content_keys: ByteList[64])` |
///
/// Selectors `0x00`–`0x03` (Ping, Pong, FindNodes, Nodes) are recognised and refused as
/// unsupported. Content too large for one packet travels over uTP, framed by
/// ``ContentStreamFraming`` (`LEB128(length) || item` per item).
public enum ContentExchange {
    /// The default protocol id: the ASCII bytes `cx`, a project-specific id.
    ///
    /// It is deliberately not a Portal network id: a node answering on `0x500B` would be taken
    /// for a Portal history node and asked for Ping/Pong, radius and content validation that this
    /// module does not provide. Use ``portalHistoryProtocolID`` or ``portalLegacyHistoryProtocolID``
    /// only when the node really takes part in that network.
    public static let defaultProtocolID: [UInt8] = Array("cx".utf8)

    /// The Portal Execution History Network id, `0x5000` (portal-wire-protocol.md, "Protocol identifiers").
    public static let portalHistoryProtocolID: [UInt8] = [0x50, 0x00]

    /// The Portal Execution Legacy History Network id, `0x500B` (portal-wire-protocol.md, "Protocol identifiers").
    public static let portalLegacyHistoryProtocolID: [UInt8] = [0x50, 0x0B]

    /// The longest content key: `ByteList[2048]` in FindContent and Offer.
    public static let maximumContentKeyLength = 2048

    /// The longest content carried inside a `Content` message: `content: ByteList[2048]`.
    ///
    /// What fits one discv5 packet is less (about 1170 bytes of TALKRESP payload); larger content
    /// goes over uTP.
    public static let maximumInlineContentLength = 2048

    /// The longest content a ``ContentExchangeServer`` answers inline in a `Content` TALKRESP;
    /// anything longer goes over uTP.
    ///
    /// The budget is the one of `getdata` (see `GetData.maximumInlineValueLength`): a TALKRESP
    /// carries at most about 1177 bytes of response in an ordinary packet and less in a handshake
    /// packet; `Content.content` costs 2 bytes (message and union selectors) more than the
    /// content, so 1000 bytes of content leave more than 170 bytes of headroom.
    public static let maximumInlineResponseContentLength = 1000

    /// The longest ENR in a `Content` message's `enrs`: `ByteList[2048]`.
    public static let maximumENRLength = 2048

    /// The most ENRs in a `Content` message: `List[ByteList[2048], 32]`.
    public static let maximumENRCount = 32

    /// The most content keys in one Offer (`List[ByteList[2048], limit=64]`), hence also the most
    /// accept codes in an Accept (`ByteList[64]`) and items in one offer's uTP stream.
    public static let maximumOfferedKeys = 64

    /// The largest stream item the framing can express: the spec limits the LEB128 length to `uint32`.
    public static let maximumFramedItemLength = UInt64(UInt32.max)
}
