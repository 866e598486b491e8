// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Crypto
import TestSupport
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
            let result = try await withTimeout(.seconds(60)) { try await body(listener, client) }
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

/// Polls `condition` every 5 ms until it holds; throws ``TimedOut`` after `limit`.
func waitUntil(_ limit: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: limit)
    while !condition() {
        guard clock.now < end else { throw TimedOut(limit: limit) }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Closes two ends of one connection concurrently (each `close()` waits for the other side's FIN).
func closeBoth(_ first: UTPStream, _ second: UTPStream) async {
    async let a: Void = first.close()
    await second.close()
    await a
}
