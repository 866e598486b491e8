// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Foundation
import Logging
import PluginTestSupport
import TalkGetData
import TestSupport
import Testing
import UTP

/// A request from a made-up peer on 127.0.0.1.
private func request(_ payload: [UInt8]) -> TalkRequest {
    TalkRequest(
        protocolID: GetData.protocolID,
        payload: payload,
        nodeID: NodeID(publicKey: Secp256k1.PrivateKey().publicKey),
        endpoint: NodeEndpoint(ip: IPAddress("127.0.0.1")!, port: 30303)
    )
}

/// A context without a node: its uTP service refuses everything, as a node at its limits would.
private func detachedContext() -> TalkContext {
    TalkContext(
        deadline: .now + .seconds(1),
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    )
}

@Suite("GetDataServer as a handler (no node)")
struct GetDataServerTests {
    private let server = GetDataServer(
        store: InMemoryGetDataStore([
            Array("small".utf8): [1, 2, 3],
            Array("large".utf8): [UInt8](repeating: 7, count: GetData.maximumInlineValueLength + 1),
        ])
    )

    @Test func answersSmallValuesInline() async throws {
        let answer = try await server.handle(
            request(GetDataRequest(key: Array("small".utf8)).encoded()),
            context: detachedContext()
        )
        #expect(try GetDataResponse(decoding: answer) == .inline([1, 2, 3]))
    }

    @Test func answersBusyWhenNoUTPSlotIsFree() async throws {
        let answer = try await server.handle(
            request(GetDataRequest(key: Array("large".utf8)).encoded()),
            context: detachedContext()
        )
        #expect(try GetDataResponse(decoding: answer) == .busy)
    }

    @Test func answersNotFoundForAnUnknownKey() async throws {
        let answer = try await server.handle(
            request(GetDataRequest(key: Array("nope".utf8)).encoded()),
            context: detachedContext()
        )
        #expect(try GetDataResponse(decoding: answer) == .notFound)
    }

    @Test func throwsOnAMalformedRequest() async throws {
        await #expect(throws: TalkGetDataError.self) {
            try await server.handle(request([0x00, 0x05, 0x61]), context: detachedContext())
        }
    }

    @Test func fileChunksStopAtTheAnnouncedLengthAndFailWhenTheFileIsShorter() async throws {
        let path = NSTemporaryDirectory() + "chunks-\(UInt64.random(in: 0...UInt64.max))"
        try Data(testBytes(count: 10_000, seed: 1)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }

        var total: [UInt8] = []
        for try await chunk in GetDataFileChunks(path: path, length: 9_000, chunkSize: 4_096) {
            #expect(chunk.count <= 4_096)
            total += chunk
        }
        #expect(total == Array(testBytes(count: 10_000, seed: 1).prefix(9_000)))

        let error = await #expect(throws: TalkGetDataError.self) {
            for try await _ in GetDataFileChunks(path: path, length: 10_001) {}
        }
        #expect(error?.code == .shortTransfer)
    }
}
