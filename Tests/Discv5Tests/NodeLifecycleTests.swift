// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Testing

@Suite("Node lifecycle and address families")
struct NodeLifecycleTests {
    @Test func nodesTalkOverIPv6Loopback() async throws {
        var configuration = testConfiguration()
        configuration.listen = .ipv6(host: "::1", port: 0)
        try await withNodes(2, configuration: configuration) { nodes in
            #expect(nodes[1].localRecord.ip6 == IPAddress("::1"))
            #expect(nodes[1].localRecord.ip == nil)
            let pong = try await nodes[0].ping(nodes[1].localRecord)
            #expect(pong.recipientIP == IPAddress("::1"))
            #expect(pong.recipientPort == nodes[0].localEndpoint.port)
        }
    }

    @Test func advertisedAddressAndPortGoIntoTheRecord() async throws {
        var configuration = testConfiguration()
        configuration.enrIP = IPAddress("127.0.0.1")
        configuration.enrUDPPort = 30303
        configuration.listen = .ipv4(host: "0.0.0.0", port: 0)
        let node = try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey())
        #expect(node.localRecord.ip == IPAddress("127.0.0.1"))
        #expect(node.localRecord.udp == 30303)
        #expect(node.localEndpoint.port != 0)
        await node.shutdown()
    }

    @Test func runReturnsOnceTheNodeIsShutDownAndCancellingItShutsTheNodeDown() async throws {
        let node = try await Node.start(configuration: testConfiguration(), privateKey: Secp256k1.PrivateKey())
        let runner = Task { await node.run() }
        runner.cancel()
        await runner.value
        #expect(node.isShutDown)
        // Already shut down: run returns at once, and shutdown is idempotent.
        await node.run()
        await node.shutdown()
    }

    @Test func cancellingACallerEndsItsWaitAtOnce() async throws {
        // A long request timeout keeps the ping pending however slowly a loaded machine runs it.
        var patient = testConfiguration()
        patient.engine.protocolConfiguration.requestTimeout = .seconds(120)
        try await withNodes(2, configuration: patient) { nodes in
            let silent = nodes[1].localRecord
            await nodes[1].shutdown()
            let ping = Task { try await nodes[0].ping(silent) }
            let pending = await eventually { await nodes[0].metricsSnapshot().pendingOperations == 1 }
            #expect(pending, "the ping never became pending")
            ping.cancel()
            await #expect(throws: CancellationError.self) { try await ping.value }
            #expect(await nodes[0].metricsSnapshot().pendingOperations == 0)
        }
    }
}
