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

/// Runs `body`, failing with ``TimedOut`` when it has not finished within `limit` (a bounded wait).
public func withTimeout<Result: Sendable>(
    _ limit: Duration,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw TimedOut(limit: limit) }
        return result
    }
}

/// A bounded wait ran out.
public struct TimedOut: Error, CustomStringConvertible {
    /// The limit that ran out.
    public let limit: Duration
    public var description: String { "not done within \(self.limit)" }
}

/// Deterministic pseudo-random bytes (SplitMix64 in 8-byte blocks): fast enough for many MiB.
public func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for shift in 0..<min(8, raw.count - offset) {
                raw[offset + shift] = UInt8(truncatingIfNeeded: z >> UInt64(8 * shift))
            }
            offset += 8
        }
    }
    return bytes
}
