// SPDX-License-Identifier: Apache-2.0

/// One content-exchange message, as carried in a TALKREQ request or TALKRESP response.
///
/// The encoding is the Portal wire protocol's: the message selector byte, then the SSZ
/// serialization of the message (see ``ContentExchange``). For example `Content.connectionID(0x0102)`
/// encodes as `05 00 01 02`, and an Accept of id `0x0102` with codes `[0, 1, 2, 3, 4, 5, 1, 1]`
/// as `07 0102 06000000 0001020304050101`.
public enum ContentExchangeMessage: Hashable, Sendable {
    /// `FindContent` (selector `0x04`), a request.
    case findContent(FindContent)
    /// `Content` (selector `0x05`), the response to FindContent.
    case content(Content)
    /// `Offer` (selector `0x06`), a request.
    case offer(Offer)
    /// `Accept` (selector `0x07`), the response to Offer.
    case accept(Accept)

    enum Selector {
        /// Ping 0x00, Pong 0x01, FindNodes 0x02, Nodes 0x03: Portal messages this module does not carry.
        static let unsupported: ClosedRange<UInt8> = 0x00...0x03
        static let findContent: UInt8 = 0x04
        static let content: UInt8 = 0x05
        static let offer: UInt8 = 0x06
        static let accept: UInt8 = 0x07
    }

    /// Decodes a TALKREQ or TALKRESP payload.
    ///
    /// - Parameters:
    ///   - bytes: The whole payload.
    /// - Throws: ``TalkContentExchangeError``: `truncated` for an empty payload, `unsupportedMessage`
    ///   for selectors 0x00–0x03, `unknownMessage` above 0x07, or the message's own decoding error.
    public init(decoding bytes: some Collection<UInt8>) throws(TalkContentExchangeError) {
        let bytes = Array(bytes)
        guard let selector = bytes.first else {
            throw .truncated(offset: 0, needed: 1, available: 0)
        }
        let body = bytes[1...]
        switch selector {
        case Selector.findContent:
            self = .findContent(try FindContent(ssz: body))
        case Selector.content:
            self = .content(try Content(ssz: body))
        case Selector.offer:
            self = .offer(try Offer(ssz: body))
        case Selector.accept:
            self = .accept(try Accept(ssz: body))
        case Selector.unsupported:
            throw .make(.unsupportedMessage, offset: 0, "Portal message selector \(selector) is not carried here")
        default:
            throw .make(.unknownMessage, offset: 0, "message selector \(selector) is not a Portal message")
        }
    }

    /// The TALKREQ or TALKRESP payload for this message.
    ///
    /// - Returns: The selector byte followed by the SSZ serialization.
    /// - Throws: ``TalkContentExchangeError`` with code `byteListTooLong` or `tooManyElements` for a
    ///   ``Content`` that breaks its limits (the other messages are checked when they are made).
    public func encoded() throws(TalkContentExchangeError) -> [UInt8] {
        var bytes: [UInt8] = []
        switch self {
        case .findContent(let message):
            bytes.append(Selector.findContent)
            message.appendSSZ(to: &bytes)
        case .content(let message):
            try message.validate()
            bytes.append(Selector.content)
            message.appendSSZ(to: &bytes)
        case .offer(let message):
            bytes.append(Selector.offer)
            message.appendSSZ(to: &bytes)
        case .accept(let message):
            bytes.append(Selector.accept)
            message.appendSSZ(to: &bytes)
        }
        return bytes
    }
}
