// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Logging
import TalkContentExchange
import Testing

/// A request from a made-up peer on 127.0.0.1.
private func request(_ message: ContentExchangeMessage) throws -> TalkRequest {
    TalkRequest(
        protocolID: ContentExchange.defaultProtocolID,
        payload: try message.encoded(),
        nodeID: NodeID(publicKey: Secp256k1.PrivateKey().publicKey),
        endpoint: NodeEndpoint(ip: IPAddress("127.0.0.1")!, port: 30303)
    )
}

/// A context without a node: its uTP service refuses everything, as a node at its limits would.
private func detachedContext() -> TalkContext {
    TalkContext(deadline: .now + .seconds(1), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
}

@Suite("ContentExchangeServer as a handler (no node)")
struct ContentExchangeServerTests {
    private let store = InMemoryContentStore([[0x01]: [1, 2, 3], [0x02]: [UInt8](repeating: 9, count: 5_000)])

    @Test func acceptedKeysBecomeRateLimitedWithIDZeroWhenNoUTPSlotIsFree() async throws {
        let server = ContentExchangeServer(store: self.store)
        let offer = try Offer(contentKeys: [[0x01], [0x03], [0x04]])
        let answer = try await server.handle(request(.offer(offer)), context: detachedContext())
        #expect(
            try ContentExchangeMessage(decoding: answer)
                == .accept(Accept(connectionID: 0, acceptCodes: [.alreadyStored, .rateLimited, .rateLimited]))
        )
    }

    @Test func findContentInlineMissingAndRefusedWithoutUTP() async throws {
        let server = ContentExchangeServer(store: self.store)
        let small = try await server.handle(
            request(.findContent(FindContent(contentKey: [0x01]))),
            context: detachedContext()
        )
        #expect(try ContentExchangeMessage(decoding: small) == .content(.content([1, 2, 3])))
        let missing = try await server.handle(
            request(.findContent(FindContent(contentKey: [0x07]))),
            context: detachedContext()
        )
        #expect(try ContentExchangeMessage(decoding: missing) == .content(.enrs([])))
        await #expect(throws: TalkContentExchangeError.self) {
            try await server.handle(request(.findContent(FindContent(contentKey: [0x02]))), context: detachedContext())
        }
    }

    @Test func responsesArrivingAsRequestsAreRefused() async throws {
        let server = ContentExchangeServer(store: self.store)
        let error = await #expect(throws: TalkContentExchangeError.self) {
            try await server.handle(request(.content(.content([1]))), context: detachedContext())
        }
        #expect(error?.code == .unexpectedMessage)
    }
}
