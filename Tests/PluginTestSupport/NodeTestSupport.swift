// SPDX-License-Identifier: Apache-2.0

// Node helpers shared by the plugin test targets (TalkGetDataTests, TalkContentExchangeTests).

import Discv5
import Discv5Crypto
import Logging

/// A configuration for a test node on 127.0.0.1 with an ephemeral port and a silent logger.
public func nodeConfiguration() -> NodeConfiguration {
    var configuration = NodeConfiguration(listen: .ipv4(host: "127.0.0.1", port: 0))
    configuration.logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    return configuration
}

/// Starts `count` nodes on 127.0.0.1, runs `body`, and shuts them all down however it ends.
public func withNodes<Result: Sendable>(_ count: Int, _ body: ([Node]) async throws -> Result) async throws -> Result {
    var nodes: [Node] = []
    do {
        for _ in 0..<count {
            nodes.append(try await Node.start(configuration: nodeConfiguration(), privateKey: Secp256k1.PrivateKey()))
        }
        let result = try await body(nodes)
        for node in nodes { await node.shutdown() }
        return result
    } catch {
        for node in nodes { await node.shutdown() }
        throw error
    }
}
