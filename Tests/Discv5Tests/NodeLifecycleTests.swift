// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

@Suite("Shutdown with TALK handlers still running")
struct ShutdownTalkHandlerTests {
    /// Flags a handler sets, read by the test.
    final class Flags: Sendable {
        let started = Mutex(false)
        let cleanedUp = Mutex(false)
        let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let shutDown = Mutex(false)
    }

    /// Waits until cancelled, then takes a while to clean up: shutdown must wait for that.
    struct CleaningUpHandler: TalkProtocolHandler {
        let flags: Flags
        var protocolID: [UInt8] { Array("tidy".utf8) }

        func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
            flags.started.withLock { $0 = true }
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                // Blocking on purpose: cleanup that outlasts the cancellation itself.
                usleep(200_000)
                flags.cleanedUp.withLock { $0 = true }
                throw error
            }
            return []
        }
    }

    /// Ignores cancellation until the test lets it go.
    struct StubbornHandler: TalkProtocolHandler {
        let flags: Flags
        var protocolID: [UInt8] { Array("mule".utf8) }

        func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
            await withCheckedContinuation { continuation in
                flags.held.withLock { $0 = continuation }
                flags.started.withLock { $0 = true }
            }
            return []
        }
    }

    private func configuration(grace: Duration) -> NodeConfiguration {
        var configuration = testConfiguration()
        // The handler's own deadline must not be what cancels it here.
        configuration.talkHandlerDeadline = .seconds(120)
        configuration.shutdownGracePeriod = grace
        return configuration
    }

    @Test func shutdownCancelsRunningHandlersAndWaitsForThem() async throws {
        let flags = Flags()
        try await withNodes(2, configuration: configuration(grace: .seconds(30))) { nodes in
            try nodes[1].register(CleaningUpHandler(flags: flags))
            let request = Task {
                try? await nodes[0].talk(protocol: Array("tidy".utf8), payload: [1], to: nodes[1].localRecord)
            }
            #expect(await eventually { flags.started.withLock { $0 } }, "the handler never started")
            await nodes[1].shutdown()
            #expect(flags.cleanedUp.withLock { $0 }, "shutdown returned before the cancelled handler ended")
            _ = await request.value
        }
    }

    @Test func aHandlerIgnoringCancellationDoesNotHoldShutdownPastTheGracePeriod() async throws {
        let flags = Flags()
        try await withNodes(2, configuration: configuration(grace: .milliseconds(200))) { nodes in
            try nodes[1].register(StubbornHandler(flags: flags))
            let request = Task {
                try? await nodes[0].talk(protocol: Array("mule".utf8), payload: [1], to: nodes[1].localRecord)
            }
            #expect(await eventually { flags.started.withLock { $0 } }, "the handler never started")
            let shutdown = Task {
                await nodes[1].shutdown()
                flags.shutDown.withLock { $0 = true }
            }
            // Generous: only "it ended", not how fast.
            #expect(
                await eventually(timeout: .seconds(30)) { flags.shutDown.withLock { $0 } },
                "shutdown waited for the handler"
            )
            flags.held.withLock { $0 }?.resume()
            await shutdown.value
            _ = await request.value
        }
    }
}
