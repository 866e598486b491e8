// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Logging
import Testing

/// A configuration for a test node on 127.0.0.1 with an ephemeral port and a silent logger.
func testConfiguration(inboundFromStart: Bool = true) -> NodeConfiguration {
    var configuration = NodeConfiguration(listen: .ipv4(host: "127.0.0.1", port: 0))
    configuration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    if inboundFromStart { configuration.engine.table.inboundAdmissionThreshold = 0 }
    // Small buffers: many nodes run at once in the test process.
    configuration.transport.receiveOffload = false
    configuration.transport.vectorReadMessageCount = 16
    return configuration
}

/// Starts `count` nodes, runs `body`, and shuts them all down however it ends.
func withNodes<Result: Sendable>(
    _ count: Int,
    configuration: NodeConfiguration = testConfiguration(),
    _ body: ([Node]) async throws -> Result
) async throws -> Result {
    var nodes: [Node] = []
    do {
        for _ in 0..<count {
            nodes.append(try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey()))
        }
        let result = try await body(nodes)
        for node in nodes { await node.shutdown() }
        return result
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes (a bounded wait).
///
/// - Returns: Whether the condition held in time.
func eventually(
    timeout: Duration = .seconds(10),
    _ condition: () async -> Bool
) async -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// Answers with the request's payload.
struct EchoHandler: TalkProtocolHandler {
    var protocolID: [UInt8] { Array("echo".utf8) }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        request.payload
    }
}

/// Always throws.
struct ThrowingHandler: TalkProtocolHandler {
    struct Failure: Error {}
    var protocolID: [UInt8] { Array("fail".utf8) }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        throw Failure()
    }
}

/// Sleeps far past any deadline (cancellation ends it).
struct SlowHandler: TalkProtocolHandler {
    var protocolID: [UInt8] { Array("slow".utf8) }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        try await Task.sleep(for: .seconds(30))
        return Array("late".utf8)
    }
}

/// Answers with more bytes than fit one packet.
struct HugeHandler: TalkProtocolHandler {
    var protocolID: [UInt8] { Array("huge".utf8) }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        [UInt8](repeating: 0xAB, count: 2000)
    }
}
