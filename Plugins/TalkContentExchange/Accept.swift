// SPDX-License-Identifier: Apache-2.0

/// The answer to an ``Offer`` (Portal `Accept`, selector `0x07`).
///
/// SSZ: `Container(connection_id: Bytes2, content_keys: ByteList[64])`, where `content_keys` holds
/// one ``AcceptCode`` byte per offered key, in offer order.
///
/// The node sending the Accept listens on ``connectionID``; the offering node opens the stream and
/// writes the accepted items in offer order. When no key is accepted, no stream starts and the
/// connection id is 0: build such answers with ``init(acceptCodes:connectionID:)``, which applies
/// that rule, and test a received one with ``startsTransfer``.
public struct Accept: Hashable, Sendable {
    /// The uTP connection id, read big-endian from its two bytes (`[0x01, 0x02]` is `0x0102`).
    public let connectionID: UInt16

    /// One code per offered key, at most ``ContentExchange/maximumOfferedKeys``.
    public let acceptCodes: [AcceptCode]

    /// The size of the fixed part: `Bytes2` connection id plus the offset of `content_keys`.
    static let fixedSize = 2 + SSZ.offsetSize

    /// Makes an answer, applying the "nothing accepted, no connection" rule.
    ///
    /// - Parameters:
    ///   - acceptCodes: One code per offered key, at most 64.
    ///   - connectionID: The connection id to listen on when at least one key is accepted; ignored
    ///     (and 0 sent) when every key is declined. Called only when needed, so a caller can draw
    ///     a fresh id lazily. (A handler that must register the id asynchronously first asks
    ///     ``requiresConnection(_:)``, then uses ``init(connectionID:acceptCodes:)``.)
    /// - Throws: ``TalkContentExchangeError`` with code `byteListTooLong` for more than 64 codes.
    public init(
        acceptCodes: [AcceptCode],
        connectionID: () -> UInt16
    ) throws(TalkContentExchangeError) {
        let id = Self.requiresConnection(acceptCodes) ? connectionID() : 0
        try self.init(connectionID: id, acceptCodes: acceptCodes)
    }

    /// Makes an answer with an explicit connection id, as received or for tests.
    ///
    /// - Parameters:
    ///   - connectionID: The connection id.
    ///   - acceptCodes: One code per offered key, at most 64.
    /// - Throws: ``TalkContentExchangeError`` with code `byteListTooLong` for more than 64 codes.
    public init(connectionID: UInt16, acceptCodes: [AcceptCode]) throws(TalkContentExchangeError) {
        guard acceptCodes.count <= ContentExchange.maximumOfferedKeys else {
            throw .byteListTooLong(offset: nil, length: acceptCodes.count, limit: ContentExchange.maximumOfferedKeys)
        }
        self.connectionID = connectionID
        self.acceptCodes = acceptCodes
    }

    /// Whether a set of answers needs a uTP connection: true when any key is accepted.
    ///
    /// - Parameters:
    ///   - acceptCodes: The answers, one per offered key.
    /// - Returns: `false` when every key is declined (then the connection id is 0 and no uTP starts).
    public static func requiresConnection(_ acceptCodes: [AcceptCode]) -> Bool {
        acceptCodes.contains { $0.isAccepted }
    }

    /// Whether the offering node should open a uTP stream: some key is accepted.
    public var startsTransfer: Bool {
        Self.requiresConnection(self.acceptCodes)
    }

    /// The positions, in offer order, of the accepted keys: the items the stream carries, in this order.
    public var acceptedIndices: [Int] {
        self.acceptCodes.indices.filter { self.acceptCodes[$0].isAccepted }
    }

    /// Checks that this answers `offer`: exactly one code per offered key.
    ///
    /// - Parameters:
    ///   - offer: The offer this Accept claims to answer.
    /// - Throws: ``TalkContentExchangeError`` with code `acceptCountMismatch`.
    public func validate(answering offer: Offer) throws(TalkContentExchangeError) {
        guard self.acceptCodes.count == offer.contentKeys.count else {
            throw .make(
                .acceptCountMismatch,
                offset: nil,
                "\(self.acceptCodes.count) accept code(s) for \(offer.contentKeys.count) offered key(s)"
            )
        }
    }

    /// Decodes the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The container's serialization (after the message selector).
    init(ssz bytes: ArraySlice<UInt8>) throws(TalkContentExchangeError) {
        let codes = try SSZ.variableTail(of: bytes, fixedSize: Self.fixedSize)
        guard codes.count <= ContentExchange.maximumOfferedKeys else {
            throw .byteListTooLong(
                offset: codes.startIndex,
                length: codes.count,
                limit: ContentExchange.maximumOfferedKeys
            )
        }
        let start = bytes.startIndex
        self.connectionID = UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
        self.acceptCodes = codes.map(AcceptCode.init(rawValue:))
    }

    /// Appends the SSZ container.
    ///
    /// - Parameters:
    ///   - bytes: The output.
    func appendSSZ(to bytes: inout [UInt8]) {
        bytes.append(UInt8(self.connectionID >> 8))
        bytes.append(UInt8(truncatingIfNeeded: self.connectionID))
        SSZ.appendOffset(Self.fixedSize, to: &bytes)
        bytes.append(contentsOf: self.acceptCodes.map(\.rawValue))
    }
}
