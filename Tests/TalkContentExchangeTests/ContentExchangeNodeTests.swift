// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Crypto
import ENR
import PluginTestSupport
import TalkContentExchange
import TestSupport
import Testing

@Suite("Content exchange between two nodes over real UDP on 127.0.0.1")
struct ContentExchangeNodeTests {
    @Test func findContentInlineOverUTPAndMissing() async throws {
        try await withNodes(2) { nodes in
            let small = testBytes(count: ContentExchange.maximumInlineResponseContentLength, seed: 1)
            let large = testBytes(count: 2 << 20, seed: 2)
            let store = InMemoryContentStore([[0x01]: small, [0x02]: large])
            try nodes[0].register(ContentExchangeServer(store: store))
            let client = ContentExchangeClient(node: nodes[1])
            let peer = nodes[0].localRecord
            #expect(try await client.findContent(key: [0x01], from: peer) == small)
            let fetched = try await withTimeout(.seconds(60)) { try await client.findContent(key: [0x02], from: peer) }
            #expect(fetched == large)
            #expect(try await client.findContent(key: [0x03], from: peer) == nil)
        }
    }

    /// Every key declined: the Accept carries connection id 0 and no stream is opened.
    @Test func allDeclinedOfferAnswersIDZeroAndStartsNoTransfer() async throws {
        try await withNodes(2) { nodes in
            let store = InMemoryContentStore([[0x01]: [1], [0x02]: [2]])
            let (receipts, continuation) = AsyncStream.makeStream(of: ContentOfferReceipt.self)
            try nodes[0].register(ContentExchangeServer(store: store) { continuation.yield($0) })
            let peer = nodes[0].localRecord

            // The raw answer: id 0, one code per key.
            let offer = try ContentExchangeMessage.offer(Offer(contentKeys: [[0x01], [0x02]])).encoded()
            let answer = try await nodes[1].talk(protocol: ContentExchange.defaultProtocolID, payload: offer, to: peer)
            guard case .accept(let accept) = try ContentExchangeMessage(decoding: answer) else {
                Issue.record("the answer is not an Accept")
                return
            }
            #expect(accept.connectionID == 0)
            #expect(accept.acceptCodes == [.alreadyStored, .alreadyStored])
            #expect(!accept.startsTransfer)

            let client = ContentExchangeClient(node: nodes[1])
            let codes = try await client.offer(items: [(key: [0x01], value: [9]), (key: [0x02], value: [9])], to: peer)
            #expect(codes == [.alreadyStored, .alreadyStored])
            // No transfer was accepted, so no receipt is due; the values stay as they were.
            continuation.finish()
            var count = 0
            for await _ in receipts { count += 1 }
            #expect(count == 0)
            #expect(await store.content(for: [0x01]) == [1])
        }
    }

    @Test func partialAcceptTransfersOnlyTheAcceptedItems() async throws {
        try await withNodes(2) { nodes in
            let store = InMemoryContentStore([[0x02]: [0xEE]])
            let (receipts, continuation) = AsyncStream.makeStream(of: ContentOfferReceipt.self)
            try nodes[0].register(ContentExchangeServer(store: store) { continuation.yield($0) })
            let client = ContentExchangeClient(node: nodes[1])
            let items: [(key: [UInt8], value: [UInt8])] = [
                (key: [0x01], value: testBytes(count: 10, seed: 1)),
                (key: [0x02], value: testBytes(count: 20, seed: 2)),
                (key: [0x03], value: testBytes(count: 1 << 20, seed: 3)),
                (key: [0x03], value: [0]),
                (key: [0x04], value: []),
            ]
            let codes = try await withTimeout(.seconds(60)) {
                try await client.offer(items: items, to: nodes[0].localRecord)
            }
            #expect(codes == [.accepted, .alreadyStored, .accepted, .declined, .accepted])
            let receipt = try await withTimeout(.seconds(30)) { await receipts.first { _ in true } }
            #expect(receipt?.succeeded == true, "\(String(describing: receipt?.error))")
            #expect(receipt?.storedKeys == [[0x01], [0x03], [0x04]])
            #expect(await store.content(for: [0x01]) == items[0].value)
            #expect(await store.content(for: [0x02]) == [0xEE])
            #expect(await store.content(for: [0x03]) == items[2].value)
            #expect(await store.content(for: [0x04]) == [])
        }
    }

    @Test func storeAtCapacityDeclinesOffers() async throws {
        try await withNodes(2) { nodes in
            let store = InMemoryContentStore([[0x01]: [1]], capacity: 1)
            try nodes[0].register(ContentExchangeServer(store: store))
            let client = ContentExchangeClient(node: nodes[1])
            let codes = try await client.offer(items: [(key: [0x05], value: [5])], to: nodes[0].localRecord)
            #expect(codes == [.declined])
            #expect(await store.content(for: [0x05]) == nil)
        }
    }

    /// The offering node shuts down while its accepted item is in flight: the receiver reports a
    /// failed transfer and stores nothing for the cut-off item.
    @Test func offererVanishingMidStreamStoresNothingPartial() async throws {
        try await withNodes(1) { nodes in
            let server = nodes[0]
            let store = InMemoryContentStore()
            let (receipts, continuation) = AsyncStream.makeStream(of: ContentOfferReceipt.self)
            try server.register(ContentExchangeServer(store: store) { continuation.yield($0) })
            let offerer = try await Node.start(configuration: nodeConfiguration(), privateKey: Secp256k1.PrivateKey())
            let client = ContentExchangeClient(node: offerer)
            let big = testBytes(count: 12 << 20, seed: 8)
            let peer = server.localRecord
            let offer = Task { try await client.offer(items: [(key: [0x01], value: big)], to: peer) }
            // Bounded poll: shut the offerer down once a few hundred uTP packets (~200 KiB of the
            // 12 MiB) reached the server.
            let started = try await withTimeout(.seconds(30)) {
                while await server.metricsSnapshot().utpPacketsReceived < 200 {
                    try await Task.sleep(for: .milliseconds(5))
                }
                return true
            }
            #expect(started)
            await offerer.shutdown()
            _ = await offer.result
            let receipt = try await withTimeout(.seconds(30)) { await receipts.first { _ in true } }
            #expect(receipt?.succeeded == false)
            #expect(receipt?.storedKeys == [])
            #expect(await store.content(for: [0x01]) == nil)
        }
    }
}
