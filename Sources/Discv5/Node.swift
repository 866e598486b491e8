// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Core
import Discv5Crypto
import ENR
import Logging
import Synchronization
import UTP

/// A running Discovery v5.1 node: a ``Discv5Engine`` driven on one SwiftNIO event loop, with an
/// async API, a TALK router for sub-protocols, events and optional persistence.
///
/// ```swift
/// try await Node.withNode(configuration: .init(listen: .ipv4(host: "0.0.0.0", port: 9000)),
///                         privateKey: key, bootnodes: bootnodes) { node in
///     try node.register(EchoHandler())
///     let pong = try await node.ping(peer)
///     let closest = try await node.lookup(target: someID)
/// }
/// ```
///
/// Every datagram is handled on the event loop that owns the engine, with no task or actor hop;
/// each API call hops onto that loop once. Call ``shutdown()`` when done (``withNode(configuration:privateKey:bootnodes:_:)``
/// does): it fails the operations still waiting with ``Discv5Error/Code/nodeShutDown``, saves
/// the table when a data directory is configured, and closes the socket.
public final class Node: Sendable {
    /// The configuration the node was started with.
    public let configuration: NodeConfiguration
    /// Our node id.
    public let nodeID: NodeID
    /// The TALK sub-protocol registry (also reachable through ``register(_:)``).
    public let router: TalkRouter

    let transport: DatagramTransport<NodeEngine>
    let pending: PendingOperations
    let broadcaster: EventBroadcaster
    let clock: NodeClock
    let logger: Logger
    let prefersIPv6: Bool
    let utpCore: UTPServiceCore
    private let record: RecordBox
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var shutdownTask: Task<Void, Never>?
        var persistTask: Task<Void, Never>?
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Our record as the engine last published it.
    final class RecordBox: Sendable {
        let value: Mutex<ENR>
        init(_ record: ENR) { value = Mutex(record) }
    }

    private init(
        configuration: NodeConfiguration,
        nodeID: NodeID,
        router: TalkRouter,
        transport: DatagramTransport<NodeEngine>,
        pending: PendingOperations,
        broadcaster: EventBroadcaster,
        clock: NodeClock,
        record: RecordBox,
        utpCore: UTPServiceCore
    ) {
        self.configuration = configuration
        self.nodeID = nodeID
        self.router = router
        self.transport = transport
        self.pending = pending
        self.broadcaster = broadcaster
        self.clock = clock
        self.logger = configuration.logger
        self.record = record
        self.utpCore = utpCore
        self.prefersIPv6 = transport.localEndpoints.allSatisfy { !$0.isIPv4 }
    }

    // MARK: - Lifecycle

    /// Binds the socket(s), creates the engine and starts it.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen, what to advertise, the engine's settings.
    ///   - privateKey: The node's static key (its identity).
    ///   - bootnodes: Records to bootstrap from; the node pings them and looks up its own id.
    ///     Records saved in ``NodeConfiguration/dataDirectory`` are added. With none of either,
    ///     the node is a bootnode: it admits nodes that contact it from the start (see
    ///     ``NodeConfiguration/engine``).
    /// - Returns: The running node.
    /// - Throws: ``Discv5Error`` `bindFailed`, `invalidArgument` (a record that cannot be built)
    ///   or `storageFailed`.
    public static func start(
        configuration: NodeConfiguration,
        privateKey: Secp256k1.PrivateKey,
        bootnodes: [ENR] = []
    ) async throws -> Node {
        var transportConfiguration = configuration.transport
        transportConfiguration.binding = configuration.listen.binding
        transportConfiguration.logger = configuration.logger
        let clock = NodeClock()
        let pending = PendingOperations()
        let router = TalkRouter()
        let broadcaster = EventBroadcaster(bufferSize: configuration.eventBufferSize)
        let hop = LoopHop()
        let utpCore = UTPServiceCore(configuration: configuration.utp, hop: hop, logger: configuration.logger)
        try router.registerUTP()
        let placeholder = try Self.makeRecord(configuration: configuration, privateKey: privateKey, seq: 1, port: 0)
        let recordBox = RecordBox(placeholder)
        let directory = configuration.dataDirectory
        let logger = configuration.logger
        let links = NodeEngine.Links(
            pending: pending,
            router: router,
            events: broadcaster,
            hop: hop,
            utp: utpCore,
            recordChanged: { record in
                recordBox.value.withLock { $0 = record }
                if let directory {
                    do { try directory.storeSeq(record.seq) } catch {
                        logger.error("cannot store the record seq", metadata: ["error": "\(error)"])
                    }
                }
            }
        )
        let handler = NodeEngine(clock: clock, links: links, configuration: configuration)
        let transport: DatagramTransport<NodeEngine>
        do {
            transport = try await DatagramTransport.bind(configuration: transportConfiguration, handler: handler)
        } catch {
            throw Discv5Error(.bindFailed, "cannot listen on \(configuration.listen): \(error)")
        }
        hop.attach(transport)
        let prefersIPv6 = transport.localEndpoints.allSatisfy { !$0.isIPv4 }
        let isSingleFamily = transport.localEndpoints.count == 1
        utpCore.setEndpointRule { record in
            try Node.contact(for: record, prefersIPv6: prefersIPv6, isSingleFamily: isSingleFamily)
        }
        do {
            directory?.removeStaleTemporaryFiles()
            let seq = (directory?.storedSeq() ?? 0) &+ 1
            let record = try Self.makeRecord(
                configuration: configuration,
                privateKey: privateKey,
                seq: max(seq, 1),
                port: transport.localEndpoint.port
            )
            try directory?.storeSeq(record.seq)
            recordBox.value.withLock { $0 = record }
            var engineConfiguration = configuration.engine
            if let enrIP = configuration.enrIP {
                if enrIP.isIPv4 { engineConfiguration.isIPv4EndpointFixed = true }
                if enrIP.isIPv6 { engineConfiguration.isIPv6EndpointFixed = true }
            }
            if !configuration.advertisesEndpoint {
                // No endpoint in the record, ever: voting must not add one.
                engineConfiguration.isIPv4EndpointFixed = true
                engineConfiguration.isIPv6EndpointFixed = true
            }
            let stored = directory?.storedNodes() ?? []
            let allBootnodes =
                bootnodes + stored.filter { stored in !bootnodes.contains { $0.nodeID == stored.nodeID } }
            if allBootnodes.isEmpty {
                // Nothing to start from: this node is a bootnode. Its own queries can find no one,
                // so the inbound threshold would never be reached and its table would stay empty.
                engineConfiguration.table.inboundAdmissionThreshold = 0
            }
            try await transport.submit { [engineConfiguration] engine, sink in
                engine.start(
                    configuration: engineConfiguration,
                    privateKey: privateKey,
                    record: record,
                    bootnodes: allBootnodes,
                    sink: &sink
                )
            }
            let node = Node(
                configuration: configuration,
                nodeID: record.nodeID,
                router: router,
                transport: transport,
                pending: pending,
                broadcaster: broadcaster,
                clock: clock,
                record: recordBox,
                utpCore: utpCore
            )
            node.startPersisting()
            logger.info(
                "node started",
                metadata: [
                    "listen": "\(transport.localEndpoints)", "node_id": "\(record.nodeID)",
                    "bootnodes": "\(allBootnodes.count)",
                ]
            )
            return node
        } catch {
            await transport.close()
            throw error
        }
    }

    /// Starts a node, runs `body` with it, and shuts it down however `body` ends.
    ///
    /// - Parameters:
    ///   - configuration: The node's configuration.
    ///   - privateKey: The node's static key.
    ///   - bootnodes: Records to bootstrap from.
    ///   - body: What to do with the running node.
    /// - Returns: What `body` returned.
    /// - Throws: What ``start(configuration:privateKey:bootnodes:)`` or `body` throws.
    public static func withNode<Result: Sendable>(
        configuration: NodeConfiguration,
        privateKey: Secp256k1.PrivateKey,
        bootnodes: [ENR] = [],
        _ body: (Node) async throws -> Result
    ) async throws -> Result {
        let node = try await start(configuration: configuration, privateKey: privateKey, bootnodes: bootnodes)
        do {
            let result = try await body(node)
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }

    /// Runs until ``shutdown()`` completes; cancelling the calling task shuts the node down.
    /// For service runners (ServiceLifecycle-style `run()`).
    public func run() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lifecycle.withLock { state in
                    if state.finished { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            Task { await self.shutdown() }
        }
    }

    /// Shuts the node down gracefully: uTP connections are reset (the peer sees the transfer
    /// end with an error, never as complete), waiting operations fail with
    /// ``Discv5Error/Code/nodeShutDown``, TALK handlers still running are cancelled and awaited
    /// for at most ``NodeConfiguration/shutdownGracePeriod``, the socket closes, the live table
    /// and record `seq` are saved (with a data directory) and ``events`` iteration ends.
    /// Idempotent; concurrent callers all wait for the one shutdown.
    public func shutdown() async {
        let task = lifecycle.withLock { state in
            if let task = state.shutdownTask { return task }
            state.persistTask?.cancel()
            let task = Task { await self.performShutdown() }
            state.shutdownTask = task
            return task
        }
        await task.value
    }

    private func performShutdown() async {
        // New uTP work is refused from here; waiting expectations fail with `closed`.
        utpCore.close()
        let final = try? await transport.submit { engine, sink in
            let state = engine.shutDown(sink: &sink)
            return (state.records, state.record, state.talkTasks)
        }
        pending.close(failingWith: .nodeShutDown())
        if let talkTasks = final?.2, !talkTasks.isEmpty {
            let ended = await Self.waitForAll(talkTasks, upTo: configuration.shutdownGracePeriod)
            if !ended {
                logger.warning(
                    "TALK handlers ignored cancellation; shutting down without them",
                    metadata: ["grace_period": "\(configuration.shutdownGracePeriod)"]
                )
            }
        }
        await transport.close()
        if let directory = configuration.dataDirectory, let final {
            do {
                try directory.storeNodes(final.0)
                if let record = final.1 { try directory.storeSeq(record.seq) }
            } catch {
                logger.error("cannot save the node's state", metadata: ["error": "\(error)"])
            }
        }
        broadcaster.finish()
        logger.info("node shut down", metadata: ["node_id": "\(nodeID)"])
        let waiters = lifecycle.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until every task ended or `limit` passed, whichever comes first; `true` when they all ended.
    /// A task that ignores cancellation must not hold the shutdown past its bound, so neither waiter
    /// is a child task (a task group would wait for both).
    private static func waitForAll(_ tasks: [Task<Void, Never>], upTo limit: Duration) async -> Bool {
        let race = FirstOutcome()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            race.arm(continuation)
            race.setTimer(
                Task {
                    try? await Task.sleep(for: limit)
                    race.finish(false)
                }
            )
            Task {
                for task in tasks { await task.value }
                race.finish(true)
            }
        }
    }

    /// Resumes a continuation once, with the first outcome reported; cancels the timer then.
    private final class FirstOutcome: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, timer: Task<Void, Never>?)>(
            (nil, nil)
        )

        func arm(_ continuation: CheckedContinuation<Bool, Never>) {
            state.withLock { $0.continuation = continuation }
        }

        func setTimer(_ timer: Task<Void, Never>) {
            let finished = state.withLock { state in
                if state.continuation == nil { return true }
                state.timer = timer
                return false
            }
            if finished { timer.cancel() }
        }

        func finish(_ outcome: Bool) {
            let (continuation, timer) = state.withLock { state in
                defer { state = (nil, nil) }
                return (state.continuation, state.timer)
            }
            timer?.cancel()
            continuation?.resume(returning: outcome)
        }
    }

    private func startPersisting() {
        guard let directory = configuration.dataDirectory else { return }
        let interval = configuration.persistInterval
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                guard
                    let records = try? await self.transport.submit({ engine, _ in engine.tableRecords(onlyLive: true) })
                else { return }
                do { try directory.storeNodes(records) } catch {
                    self.logger.error("cannot save the table", metadata: ["error": "\(error)"])
                }
            }
        }
        lifecycle.withLock { $0.persistTask = task }
    }

    /// Our record: the listen (or advertised) endpoint, none when the configuration says not to
    /// advertise one, signed by our key.
    static func makeRecord(
        configuration: NodeConfiguration,
        privateKey: Secp256k1.PrivateKey,
        seq: UInt64,
        port: UInt16
    ) throws -> ENR {
        var builder = ENRBuilder(seq: seq)
        let advertisedPort = configuration.enrUDPPort ?? port
        var addresses: [IPAddress] = []
        if let enrIP = configuration.enrIP { addresses.append(enrIP) }
        let hosts: [String]
        switch configuration.listen {
        case .ipv4(let host, _): hosts = [host]
        case .ipv6(let host, _): hosts = [host]
        case .dual(let v4, let v6, _): hosts = [v4, v6]
        }
        for host in hosts {
            guard let address = IPAddress(host), !address.bytes.allSatisfy({ $0 == 0 }),
                !addresses.contains(where: { $0.isIPv4 == address.isIPv4 })
            else { continue }
            addresses.append(address)
        }
        if !configuration.advertisesEndpoint { addresses = [] }
        for address in addresses { builder.setUDPEndpoint(address, port: advertisedPort) }
        do {
            return try builder.sign(with: privateKey)
        } catch {
            throw Discv5Error.invalidArgument("cannot build the local record: \(error)")
        }
    }

    // MARK: - State

    /// Our current record (it changes when endpoint voting finds a new address).
    public var localRecord: ENR {
        record.value.withLock { $0 }
    }

    /// The bound endpoints: one, or IPv4 then IPv6 for a dual listen address.
    public var localEndpoints: [NodeEndpoint] {
        transport.localEndpoints.compactMap { endpoint in
            IPAddress(bytes: endpoint.ipBytes).map { NodeEndpoint(ip: $0, port: endpoint.port) }
        }
    }

    /// The first bound endpoint.
    public var localEndpoint: NodeEndpoint {
        localEndpoints[0]
    }

    /// The node's events (see ``Events`` for the buffering rules).
    public var events: Events {
        Events(broadcaster: broadcaster)
    }

    /// The UDP transport's counters as of its latest event-loop callback; a cheap read from any
    /// thread (no hop onto the loop).
    public var transportStatistics: DatagramTransportStatistics {
        transport.statistics
    }

    /// The built-in uTP-over-TALKREQ service (protocol `utp`): the connection-id handoff for answers
    /// larger than one TALKRESP. See ``UTPService``.
    public var utp: UTPService {
        UTPService(core: utpCore)
    }

    /// Whether ``shutdown()`` has begun.
    public var isShutDown: Bool {
        lifecycle.withLock { $0.shutdownTask != nil }
    }
}
