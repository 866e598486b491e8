// SPDX-License-Identifier: Apache-2.0

/// The `getdata` TALK sub-protocol: its protocol id, its limits and its wire format.
///
/// A requester asks for the value stored under a key; the responder answers with the value itself
/// when it fits one packet, with a uTP `connection_id` and the value's length when it does not, or
/// with "not found".
///
/// ## Wire format (version 1)
///
/// All integers are unsigned and big-endian. Every message starts with a one-byte tag; request and
/// response tags are disjoint, so a message read in the wrong direction is rejected.
///
/// ```
/// GetData  (TALKREQ)  = 0x00 || key_length: u8 || key[key_length]        key_length in 1...255
/// Data     (TALKRESP) = 0x01 || value_length: u16 || value[value_length] value_length ≤ 1000
///                     | 0x02 || connection_id: u16 || length: u64          value follows over uTP
///                     | 0x03                                               not found
///                     | 0x04                                               busy: retry later
/// ```
///
/// `0x04` (busy) answers a request for a value too large to send inline when the responder has
/// no uTP connection slot free for this requester (its per-peer connection limit is reached). The
/// value may exist; the requester should retry after its own transfers to this peer finished.
///
/// A message is exactly as long as its fields: a decoder rejects missing bytes (`truncated`),
/// extra bytes (`trailingBytes`), any other tag (`unknownTag`), an empty key (`invalidKeyLength`)
/// and an inline value over the limit (`inlineValueTooLong`). The explicit inline length makes a
/// cut-off response detectable rather than silently short.
///
/// ## The uTP handoff
///
/// For `0x02`, the responder registers the expected uTP connection (`connection_id`, read
/// big-endian, is the responder's send id) before it answers, then writes exactly `length` bytes of
/// the value and closes. The requester opens the stream with that id and reads until it holds
/// `length` bytes; fewer bytes before the stream ends is a short transfer, more is a protocol
/// violation. No framing is added on the stream: the byte count is already in the response.
///
/// ## Why 1000 bytes inline
///
/// A discv5 packet is at most 1280 bytes. An ordinary message packet spends 87 of them (16 masking
/// IV, 23 static header, 32 auth data, 16 AES-GCM tag), leaving 1193 bytes of message; a TALKRESP
/// spends at most 16 of those on its message type, RLP list header, an 8-byte request id and the
/// response's string header, so at most 1177 bytes of response fit. An inline `Data` costs 3 bytes
/// more than its value. 1000 bytes of value (a 1003-byte response) leave more than 170 bytes of
/// headroom: the response still fits if it has to travel in a handshake packet (1094 bytes of
/// message room without a record).
public enum GetData {
    /// The TALKREQ protocol id: the ASCII bytes of `getdata`.
    public static let protocolID: [UInt8] = Array("getdata".utf8)

    /// The longest key, in bytes: the key length travels in one byte, and an empty key is invalid.
    public static let maximumKeyLength = 255

    /// The longest value sent inline in a `Data` response; anything longer goes over uTP.
    ///
    /// See "Why 1000 bytes inline" above for the packet budget this leaves room in.
    public static let maximumInlineValueLength = 1000

    /// Whether a value of this size is answered inline (otherwise it is handed off to uTP).
    ///
    /// - Parameters:
    ///   - length: The value's size in bytes.
    /// - Returns: `true` when `length` is at most ``maximumInlineValueLength``.
    public static func fitsInline(length: UInt64) -> Bool {
        length <= UInt64(Self.maximumInlineValueLength)
    }

    /// Message tags, the first byte of every message.
    enum Tag {
        static let getData: UInt8 = 0x00
        static let inline: UInt8 = 0x01
        static let connection: UInt8 = 0x02
        static let notFound: UInt8 = 0x03
        static let busy: UInt8 = 0x04
    }
}
