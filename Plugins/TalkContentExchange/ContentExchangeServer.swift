// SPDX-License-Identifier: Apache-2.0

import Discv5
import ENR
import Logging
import UTP

/// The responder side of the content exchange: a TALK handler answering ``FindContent`` and
/// ``Offer`` from a ``ContentStore``.
///
/// - FindContent: content of at most ``ContentExchange/maximumInlineResponseContentLength`` bytes
///   is answered inline (``Content/content(_:)``); larger content is served over uTP as one
///   framed item (``ContentStreamFraming``) on the ``Content/connectionID(_:)`` answered. Content
///   not held is answered with an empty ``Content/enrs(_:)`` list (this module keeps no routing
///   table of content). When no uTP slot is free for the peer, the request is refused with an
///   empty TALKRESP.
/// - Offer: each key gets the store's ``ContentStore/accept(key:)`` code (a key repeated in the
///   same offer is declined after its first occurrence). When at least one is accepted, the
///   server registers the uTP expectation first, answers ``Accept`` with its connection id, then
///   reads the accepted items from the stream the offerer opens (``ContentStreamDecoder``) and
///   stores each as it completes. When every key is declined, the Accept carries id 0 and no uTP
///   starts. Accepted keys become ``AcceptCode/rateLimited`` when no uTP slot is free.
public struct ContentExchangeServer: TalkProtocolHandler {
    /// The TALKREQ protocol id (from the configuration).
    public var protocolID: [UInt8] { self.configuration.protocolID }
    /// Where content is found and stored.
    public let store: any ContentStore
    /// The protocol id and stream limits.
    public let configuration: ContentExchangeConfiguration
    private let onOfferCompleted: (@Sendable (ContentOfferReceipt) -> Void)?

    /// Makes a server.
    ///
    /// - Parameters:
    ///   - store: Where content is found and stored.
    ///   - configuration: The protocol id and stream limits.
    ///   - onOfferCompleted: Called once per accepted offer when its stream was read (or failed).
    public init(
        store: any ContentStore,
        configuration: ContentExchangeConfiguration = ContentExchangeConfiguration(),
        onOfferCompleted: (@Sendable (ContentOfferReceipt) -> Void)? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.onOfferCompleted = onOfferCompleted
    }

    /// Answers one FindContent or Offer.
    ///
    /// - Parameters:
    ///   - request: The TALKREQ.
    ///   - context: The node's TALK context (deadline, logger, uTP service).
    /// - Returns: The encoded Content or Accept.
    /// - Throws: ``TalkContentExchangeError`` for a malformed request or a response where a request
    ///   belongs, or when a large content cannot be served now (the requester gets an empty TALKRESP).
    public func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        switch try ContentExchangeMessage(decoding: request.payload) {
        case .findContent(let findContent):
            return try await self.answer(findContent, request: request, context: context).encoded()
        case .offer(let offer):
            return try await self.answer(offer, request: request, context: context).encoded()
        case .content, .accept:
            throw TalkContentExchangeError.make(.unexpectedMessage, offset: 0, "a response arrived as a request")
        }
    }

    private func answer(
        _ request: FindContent,
        request talk: TalkRequest,
        context: TalkContext
    ) async throws -> ContentExchangeMessage {
        guard let content = await self.store.content(for: request.contentKey) else {
            return .content(.enrs([]))
        }
        if content.count <= ContentExchange.maximumInlineResponseContentLength {
            return .content(.content(content))
        }
        let peer = UTPPeer(talk)
        guard context.utp.canAccept(from: peer) else {
            throw TalkContentExchangeError.make(.rejected, offset: nil, "no uTP connection slot free for the peer")
        }
        let framed = try ContentStreamFraming.lengthPrefix(for: UInt64(content.count)) + content
        let id = try context.utp.serve(framed, to: peer)
        return .content(.connectionID(id))
    }

    private func answer(
        _ offer: Offer,
        request talk: TalkRequest,
        context: TalkContext
    ) async throws -> ContentExchangeMessage {
        var codes: [AcceptCode] = []
        var seen: Set<[UInt8]> = []
        for key in offer.contentKeys {
            guard seen.insert(key).inserted else {
                codes.append(.declined)
                continue
            }
            codes.append(await self.store.accept(key: key))
        }
        guard Accept.requiresConnection(codes) else {
            return .accept(try Accept(connectionID: 0, acceptCodes: codes))
        }
        let peer = UTPPeer(talk)
        let expectation: UTPExpectation
        do {
            guard context.utp.canAccept(from: peer) else {
                throw TalkContentExchangeError.make(.rejected, offset: nil, "busy")
            }
            expectation = try context.utp.expect(from: peer)
        } catch {
            let limited = codes.map { $0.isAccepted ? AcceptCode.rateLimited : $0 }
            return .accept(try Accept(connectionID: 0, acceptCodes: limited))
        }
        let accept = try Accept(connectionID: expectation.connectionID, acceptCodes: codes)
        let keys = accept.acceptedIndices.map { offer.contentKeys[$0] }
        Task {
            await self.receive(keys: keys, from: expectation, peer: talk.nodeID, logger: context.logger)
        }
        return .accept(accept)
    }

    /// Reads the accepted items of one offer from its stream and stores them.
    private func receive(keys: [[UInt8]], from expectation: UTPExpectation, peer: NodeID, logger: Logger) async {
        var stored: [[UInt8]] = []
        var stream: UTPStream?
        do {
            let accepted = try await expectation.accept()
            stream = accepted
            var decoder = ContentStreamDecoder(
                maximumItemLength: self.configuration.maximumStreamItemLength,
                expectedItemCount: keys.count
            )
            for try await chunk in accepted.inbound {
                for item in try decoder.feed(chunk) {
                    let key = keys[stored.count]
                    await self.store.store(key: key, value: item)
                    stored.append(key)
                }
            }
            try decoder.finish()
            await accepted.close()
            self.onOfferCompleted?(ContentOfferReceipt(peer: peer, acceptedKeys: keys, storedKeys: stored, error: nil))
        } catch {
            stream?.reset()
            expectation.cancel()
            logger.debug("content exchange: an offered transfer failed", metadata: ["error": "\(error)"])
            self.onOfferCompleted?(
                ContentOfferReceipt(peer: peer, acceptedKeys: keys, storedKeys: stored, error: error)
            )
        }
    }
}
