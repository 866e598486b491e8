// SPDX-License-Identifier: Apache-2.0

import Discv5
import ENR
import UTP

/// The requester side of the content exchange: FindContent and Offer to a peer.
///
/// ```swift
/// let client = ContentExchangeClient(node: node)
/// let content = try await client.findContent(key: key, from: peer)         // nil: not held there
/// let codes = try await client.offer(items: [(key, value)], to: peer)     // one AcceptCode per item
/// ```
public struct ContentExchangeClient: Sendable {
    /// The node requests are sent from.
    public let node: Node
    /// The protocol id and stream limits.
    public let configuration: ContentExchangeConfiguration

    /// Makes a client.
    ///
    /// - Parameters:
    ///   - node: The node requests are sent from.
    ///   - configuration: The protocol id and stream limits (the largest item read from a stream).
    public init(node: Node, configuration: ContentExchangeConfiguration = ContentExchangeConfiguration()) {
        self.node = node
        self.configuration = configuration
    }

    /// Asks a peer for the content under a key.
    ///
    /// Inline content comes in the TALKRESP; larger content is read from the uTP stream the peer
    /// announced, as exactly one framed item.
    ///
    /// - Parameters:
    ///   - key: The content key, at most ``ContentExchange/maximumContentKeyLength`` bytes.
    ///   - peer: The peer's record.
    /// - Returns: The content, or `nil` when the peer does not hold it (it answered with ENRs).
    /// - Throws: ``TalkContentExchangeError`` (`rejected`, `unexpectedMessage`, `truncated` for a
    ///   stream that ends early, `itemTooLarge`, decoding codes), `Discv5Error`, `UTPError`.
    public func findContent(key: [UInt8], from peer: ENR) async throws -> [UInt8]? {
        let request = try ContentExchangeMessage.findContent(FindContent(contentKey: key)).encoded()
        switch try await self.ask(request, peer: peer) {
        case .content(.content(let content)):
            return content
        case .content(.enrs):
            return nil
        case .content(.connectionID(let id)):
            let stream = try await self.node.utp.connect(connectionID: id, to: peer)
            do {
                var decoder = ContentStreamDecoder(
                    maximumItemLength: self.configuration.maximumStreamItemLength,
                    expectedItemCount: 1
                )
                var items: [[UInt8]] = []
                for try await chunk in stream.inbound {
                    items += try decoder.feed(chunk)
                }
                try decoder.finish()
                await stream.close()
                return items.first
            } catch {
                stream.reset()
                throw error
            }
        default:
            throw TalkContentExchangeError.make(
                .unexpectedMessage,
                offset: 0,
                "FindContent answered by a non-Content message"
            )
        }
    }

    /// Offers content to a peer and, for the keys it accepts, writes the content over uTP.
    ///
    /// The stream carries the accepted items in offer order, each framed `LEB128(length) || item`,
    /// then FIN; the call returns once the peer acknowledged the end of the stream (or the close
    /// timed out). When every key is declined no stream is opened.
    ///
    /// - Parameters:
    ///   - items: Up to ``ContentExchange/maximumOfferedKeys`` key–content pairs; the keys must fit
    ///     one TALKREQ together.
    ///   - peer: The peer's record.
    /// - Returns: The peer's answer, one ``AcceptCode`` per item in order.
    /// - Throws: ``TalkContentExchangeError`` (`rejected`, `unexpectedMessage`,
    ///   `acceptCountMismatch`, `itemTooLarge`, limits), `Discv5Error`, `UTPError` when the
    ///   stream fails before all accepted content was written.
    public func offer(items: [(key: [UInt8], value: [UInt8])], to peer: ENR) async throws -> [AcceptCode] {
        let offer = try Offer(contentKeys: items.map(\.key))
        guard case .accept(let accept) = try await self.ask(ContentExchangeMessage.offer(offer).encoded(), peer: peer)
        else {
            throw TalkContentExchangeError.make(.unexpectedMessage, offset: 0, "Offer answered by a non-Accept message")
        }
        try accept.validate(answering: offer)
        guard accept.startsTransfer else { return accept.acceptCodes }
        let stream = try await self.node.utp.connect(connectionID: accept.connectionID, to: peer)
        do {
            for index in accept.acceptedIndices {
                let value = items[index].value
                try await stream.write(try ContentStreamFraming.lengthPrefix(for: UInt64(value.count)))
                try await stream.write(value)
            }
            await stream.finish()
            await stream.close()
        } catch {
            stream.reset()
            throw error
        }
        return accept.acceptCodes
    }

    private func ask(_ request: [UInt8], peer: ENR) async throws -> ContentExchangeMessage {
        let answer = try await self.node.talk(protocol: self.configuration.protocolID, payload: request, to: peer)
        guard !answer.isEmpty else {
            throw TalkContentExchangeError.make(.rejected, offset: nil, "the peer answered with an empty TALKRESP")
        }
        return try ContentExchangeMessage(decoding: answer)
    }
}
