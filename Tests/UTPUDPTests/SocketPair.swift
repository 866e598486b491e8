// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Crypto
import UTP
import UTPUDP

/// Two sockets on 127.0.0.1 and helpers shared by the tests.
enum SocketPair {
    /// Binds a listener and a client on 127.0.0.1, runs `body`, closes both.
    static func with<Result: Sendable>(
        listener configureListener: (inout UTPSocket.Configuration) -> Void = { _ in },
        client configureClient: (inout UTPSocket.Configuration) -> Void = { _ in },
        _ body: @Sendable @escaping (UTPSocket, UTPSocket) async throws -> Result
    ) async throws -> Result {
        var listenerConfiguration = UTPSocket.Configuration(host: "127.0.0.1")
        configureListener(&listenerConfiguration)
        var clientConfiguration = UTPSocket.Configuration(host: "127.0.0.1")
        clientConfiguration.acceptsIncomingConnections = false
        configureClient(&clientConfiguration)
        let listener = try await UTPSocket.bind(listenerConfiguration)
        let client: UTPSocket
        do {
            client = try await UTPSocket.bind(clientConfiguration)
        } catch {
            await listener.close()
            throw error
        }
        do {
            let result = try await withDeadline(.seconds(60)) { try await body(listener, client) }
            await client.close()
            await listener.close()
            return result
        } catch {
            await client.close()
            await listener.close()
            throw error
        }
    }

    /// Connects `client` to `listener` and returns (client side, listener side).
    static func connect(_ client: UTPSocket, to listener: UTPSocket) async throws -> (UTPStream, UTPStream) {
        async let accepted = listener.accept()
        let stream = try await client.connect(to: listener.localEndpoint)
        return (stream, try await accepted)
    }
}

/// Deterministic pseudo-random bytes (SplitMix64).
func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { word in
                let n = min(8, count - offset)
                raw.baseAddress!.advanced(by: offset).copyMemory(from: word.baseAddress!, byteCount: n)
            }
            offset += 8
        }
    }
    return bytes
}

/// Writes `bytes` in 64 KiB pieces, then finishes.
func writeAll(_ bytes: [UInt8], to stream: UTPStream) async throws {
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + 65_536)
        try await stream.write(bytes[offset..<end])
        offset = end
    }
    await stream.finish()
}

struct DeadlineExceeded: Error {}

/// Runs `body`, failing with ``DeadlineExceeded`` (and cancelling it) after `limit`: no test hangs.
func withDeadline<Result: Sendable>(
    _ limit: Duration,
    _ body: @Sendable @escaping () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw DeadlineExceeded() }
        return result
    }
}

/// Polls `condition` every 5 ms until it holds; throws ``DeadlineExceeded`` after `limit`.
func waitUntil(_ limit: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: limit)
    while !condition() {
        guard clock.now < end else { throw DeadlineExceeded() }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Closes two ends of one connection concurrently (each `close()` waits for the other side's FIN).
func closeBoth(_ first: UTPStream, _ second: UTPStream) async {
    async let a: Void = first.close()
    await second.close()
    await a
}
