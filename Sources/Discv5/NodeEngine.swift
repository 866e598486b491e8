// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Core
import Discv5Crypto
import ENR
import Logging
import UTP

/// The transport's handler: owns the ``Discv5Engine`` on the event loop and does what it says.
///
/// Every input (a datagram, the timer, a call from ``Node``) goes into the engine with the
/// current time, then ``drain(_:now:)`` performs the engine's actions: datagrams go to the
/// sink, completions resume their callers, TALKREQs go to the router, events to the
/// broadcaster. Then one wakeup is armed at the engine's next deadline. No task and no actor
/// hop per datagram; no protocol decision here.
final class NodeEngine: DatagramHandler {
    /// What ``Node`` asks of the engine.
    enum Operation: Sendable {
        case ping(NodeContact)
        case findNode(NodeContact, distances: [UInt16])
        case talk(NodeContact, protocolID: [UInt8], payload: [UInt8])
        case lookup(NodeID)
    }

    /// Shared, thread-safe parts the handler publishes to.
    struct Links: Sendable {
        var pending: PendingOperations
        var router: TalkRouter
        var events: EventBroadcaster
        var hop: LoopHop
        var utp: UTPServiceCore
        var recordChanged: @Sendable (ENR) -> Void
    }

    /// How a TALK handler's work ended.
    enum TalkOutcome: Sendable {
        case answered
        case failed
    }

    private(set) var engine: Discv5Engine?
    let clock: NodeClock
    let links: Links
    let logger: Logger
    let talkDeadline: Duration
    let talkCap: Int
    private let reporter: MetricsReporter
    private let talkExecutor = TalkTaskExecutor(label: "discv5.talk")
    private var operations: [OperationID: UInt64] = [:]
    private var counters = NodeMetrics()
    private var tableSize = 0
    private var isShutDown = false
    /// The last datagram source and its engine form: consecutive datagrams from one peer (the
    /// common case under load) then cost no address allocation.
    private var lastSource: (UDPEndpoint, NodeEndpoint)?
    /// The same for the last destination: converting an engine endpoint for the transport cost four
    /// allocations per datagram sent.
    private var lastDestination: (NodeEndpoint, UDPEndpoint)?
    /// The uTP-over-TALKREQ service's connections.
    let utp: UTPTalkHost
    /// The wakeup requested from the transport, if any.
    private var armed: Discv5Instant?
    /// TALKREQs whose async handler has not answered yet, by talk number.
    private var runningTalks: [UInt64: RunningTalk] = [:]
    /// Their deadlines, oldest first (every deadline is `talkDeadline` after its start, so the
    /// order of arrival is the order of expiry). At most `talkCap` entries are live.
    private var talkDeadlines: [(deadline: Discv5Instant, talk: UInt64)] = []
    private var nextTalkNumber: UInt64 = 0

    /// A TALKREQ handed to an async handler.
    private struct RunningTalk {
        var token: IncomingTalkRequest.Token
        var protocolID: [UInt8]
        var task: Task<Void, Never>?
    }

    init(clock: NodeClock, links: Links, configuration: NodeConfiguration) {
        self.clock = clock
        self.links = links
        self.logger = configuration.logger
        self.talkDeadline = configuration.talkHandlerDeadline
        self.talkCap = max(0, configuration.maximumConcurrentTalkHandlers)
        self.reporter = MetricsReporter(logger: configuration.logger)
        var seed: UInt64 = 0
        withUnsafeMutableBytes(of: &seed) { SecureRandom.fill($0) }
        self.utp = UTPTalkHost(service: links.utp, seed: seed)
    }

    // MARK: - Transport callbacks

    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {
        guard let engine, let source = endpoint(of: datagram.source) else { return }
        let now = clock.now()
        engine.handleDatagram(datagram.bytes, from: source, now: now)
        // The wakeup is re-armed once per batch (receiveBatchEnded), not per datagram.
        drain(&sink, now: now, rearm: false)
    }

    private func endpoint(of source: UDPEndpoint) -> NodeEndpoint? {
        if let (cached, endpoint) = lastSource, cached == source { return endpoint }
        guard let ip = IPAddress(bytes: source.ipBytes) else { return nil }
        let endpoint = NodeEndpoint(ip: ip, port: source.port)
        lastSource = (source, endpoint)
        return endpoint
    }

    private func destination(of endpoint: NodeEndpoint) -> UDPEndpoint? {
        if let (cached, destination) = lastDestination, cached == endpoint { return destination }
        guard let destination = UDPEndpoint(ipBytes: endpoint.ip.bytes, port: endpoint.port) else { return nil }
        lastDestination = (endpoint, destination)
        return destination
    }

    func receiveBatchEnded(sink: inout DatagramSink) {
        if let engine {
            // Deferred ACK: one STATE per uTP connection per batch, then everything the batch unlocked.
            let now = clock.now()
            utp.endBatch(engine: engine, now: now, canSend: sink.isWritable)
            drain(&sink, now: now)
        }
        report()
    }

    func timerFired(sink: inout DatagramSink) {
        armed = nil
        guard let engine else { return }
        let now = clock.now()
        expireTalks(engine, now: now)
        engine.handleTimeouts(now: now)
        utp.pump(engine: engine, now: now, canSend: sink.isWritable)
        drain(&sink, now: now)
        report()
    }

    func becameWritable(sink: inout DatagramSink) {
        guard let engine else { return }
        let now = clock.now()
        utp.pump(engine: engine, now: now)
        drain(&sink, now: now)
    }

    // MARK: - uTP (one hop per call)

    /// Runs `body` with the uTP host, then pumps the multiplexer and performs the engine's actions.
    ///
    /// - Throws: ``UTPError`` `closed` before the engine exists; what `body` throws.
    func withUTP<Result>(
        sink: inout DatagramSink,
        _ body: (UTPTalkHost, Discv5Engine, Discv5Instant) throws -> Result
    ) throws -> Result {
        guard let engine else { throw UTPError.closed("the node is not running") }
        let now = clock.now()
        defer {
            utp.pump(engine: engine, now: now, canSend: sink.isWritable)
            drain(&sink, now: now)
        }
        return try body(utp, engine, now)
    }

    // MARK: - Calls from Node (on the loop)

    /// Creates the engine; the node calls this once, right after binding.
    func start(
        configuration: Discv5EngineConfiguration,
        privateKey: Secp256k1.PrivateKey,
        record: ENR,
        bootnodes: [ENR],
        sink: inout DatagramSink
    ) {
        let now = clock.now()
        let engine = Discv5Engine(configuration: configuration, privateKey: privateKey, localRecord: record, now: now)
        self.engine = engine
        if !bootnodes.isEmpty { engine.addBootnodes(bootnodes, now: now) }
        drain(&sink, now: now)
    }

    /// Starts an operation for the caller waiting on `ticket`.
    func start(_ operation: Operation, ticket: UInt64, sink: inout DatagramSink) {
        guard let engine, !isShutDown else {
            links.pending.resume(ticket, with: .failure(Discv5Error.nodeShutDown()))
            return
        }
        let now = clock.now()
        let id: OperationID
        switch operation {
        case .ping(let contact): id = engine.ping(contact, now: now)
        case .findNode(let contact, let distances): id = engine.findNode(contact, distances: distances, now: now)
        case .talk(let contact, let protocolID, let payload):
            id = engine.talk(contact, protocol: protocolID, payload: payload, now: now)
        case .lookup(let target): id = engine.lookup(target: target, now: now)
        }
        operations[id] = ticket
        drain(&sink, now: now)
    }

    /// Sends a TALKREQ that expects no answer.
    func sendTalkWithoutResponse(
        _ contact: NodeContact,
        protocolID: [UInt8],
        payload: [UInt8],
        sink: inout DatagramSink
    ) {
        guard let engine, !isShutDown else { return }
        let now = clock.now()
        engine.sendTalkWithoutResponse(contact, protocol: protocolID, payload: payload, now: now)
        drain(&sink, now: now)
    }

    /// Answers a TALKREQ whose handler task finished, unless its deadline already passed (it
    /// was answered empty then).
    func completeTalk(_ talk: UInt64, response: [UInt8], outcome: TalkOutcome, sink: inout DatagramSink) {
        guard let running = runningTalks.removeValue(forKey: talk) else { return }
        switch outcome {
        case .answered: break
        case .failed: counters.talkHandlerFailed &+= 1
        }
        guard let engine, !isShutDown else { return }
        let now = clock.now()
        respond(engine, running.token, response: response, protocolID: running.protocolID, now: now)
        drain(&sink, now: now)
    }

    /// A TALK handler task ended: its slot under the cap is free.
    func talkHandlerEnded() {
        counters.talkHandlersRunning -= 1
    }

    /// The live (or all) records of the table.
    func tableRecords(onlyLive: Bool) -> [ENR] {
        engine?.tableRecords(onlyLive: onlyLive) ?? []
    }

    /// The counters and sizes now.
    func snapshot() -> NodeMetrics {
        var metrics = counters
        if let engine {
            metrics.protocolMetrics = engine.metrics
            metrics.engineMetrics = engine.engineMetrics
            metrics.tableSize = engine.routingTable.entries.count
            metrics.liveTableSize = engine.routingTable.liveCount
            metrics.activeLookups = engine.activeLookupCount
            let bookkeeping = engine.bookkeeping
            metrics.sessionCount = bookkeeping.sessions
            metrics.challengeCount = bookkeeping.challenges
            metrics.pendingRequestCount = bookkeeping.pendingRequests
            metrics.outgoingHandshakeCount = bookkeeping.outgoingHandshakes
        }
        metrics.pendingOperations = operations.count
        metrics.utpConnections = utp.connectionCount
        metrics.utpPacketsReceived = utp.link.packetsReceived
        metrics.utpPacketsRefused = utp.link.packetsRefused
        metrics.utpPacketsSent = utp.link.packetsSent
        return metrics
    }

    /// Stops taking input: the node is shutting down. Returns the final state to persist and the
    /// TALK handler tasks still running, cancelled here (their requests are not answered any more).
    func shutDown(
        sink: inout DatagramSink
    ) -> (records: [ENR], record: ENR?, metrics: NodeMetrics, talkTasks: [Task<Void, Never>]) {
        if let engine {
            // Reset every uTP connection while the engine can still send the RESETs.
            let now = clock.now()
            utp.shutDown(engine: engine, now: now)
            drain(&sink, now: now)
        }
        let talkTasks = runningTalks.values.compactMap(\.task)
        for task in talkTasks { task.cancel() }
        let result = (tableRecords(onlyLive: true), engine?.localRecord, snapshot(), talkTasks)
        isShutDown = true
        armed = nil
        operations = [:]
        sink.cancelWakeup()
        report()
        return result
    }

    // MARK: - Actions

    /// Performs every action the engine has queued, then arms the wakeup at its next deadline.
    private func drain(_ sink: inout DatagramSink, now: Discv5Instant, rearm: Bool = true) {
        guard let engine else { return }
        while let action = engine.nextAction() {
            switch action {
            case .send(let bytes, let endpoint):
                guard let destination = destination(of: endpoint) else { continue }
                counters.datagramsSent &+= 1
                sink.send(bytes, to: destination)
            case .completed(let id, let result):
                guard let ticket = operations.removeValue(forKey: id) else { continue }
                if case .failed(let error) = result {
                    links.pending.resume(ticket, with: .failure(Discv5Error.from(error)))
                } else {
                    links.pending.resume(ticket, with: .success(result))
                }
            case .incomingTalkRequest(let request):
                dispatch(request, engine: engine, now: now)
            case .event(let event):
                publish(event)
            }
        }
        if rearm { self.rearm(&sink, engine: engine) }
    }

    /// One wakeup for the engine, the uTP multiplexer and the TALK deadlines: the earliest. A wakeup already armed
    /// no later than that stays (it re-arms when it fires), which saves rescheduling on every packet.
    private func rearm(_ sink: inout DatagramSink, engine: Discv5Engine) {
        guard !isShutDown else { return }
        var earliest = engine.nextDeadline
        for candidate in [utp.nextDeadline, talkDeadlines.first?.deadline] {
            if let candidate { earliest = min(earliest ?? candidate, candidate) }
        }
        guard let deadline = earliest else {
            if armed != nil {
                armed = nil
                sink.cancelWakeup()
            }
            return
        }
        if let armed, armed <= deadline { return }
        armed = deadline
        sink.scheduleWakeup(at: clock.continuous(deadline))
    }

    private func publish(_ event: Discv5Engine.Event) {
        switch event {
        case .nodeAdded(let record):
            tableSize += 1
            links.events.yield(.nodeAdded(record))
        case .nodeRemoved(let nodeID):
            tableSize = max(0, tableSize - 1)
            links.events.yield(.nodeRemoved(nodeID))
        case .sessionEstablished(let nodeID, let endpoint):
            links.events.yield(.sessionEstablished(nodeID, endpoint))
        case .localRecordChanged(let record):
            logger.info("local record changed", metadata: ["seq": "\(record.seq)", "enr": "\(record.text)"])
            links.recordChanged(record)
            links.events.yield(.localRecordChanged(record))
        }
    }

    // MARK: - TALK routing

    /// Routes a TALKREQ: inline handlers answer now; async ones run as a task under the cap;
    /// anything else gets an empty TALKRESP at once (never silence).
    private func dispatch(_ incoming: IncomingTalkRequest, engine: Discv5Engine, now: Discv5Instant) {
        counters.talkRequests &+= 1
        guard let route = links.router.route(for: incoming.protocolID) else {
            counters.talkUnknownProtocol &+= 1
            respond(engine, incoming.token, response: [], protocolID: incoming.protocolID, now: now)
            return
        }
        if case .utp = route {
            utp.receive(incoming, engine: engine, now: now)
            return
        }
        let request = TalkRequest(
            protocolID: incoming.protocolID,
            payload: incoming.payload,
            nodeID: incoming.nodeID,
            endpoint: incoming.endpoint,
            record: engine.routingTable.entry(for: incoming.nodeID)?.record
        )
        switch route {
        case .utp:
            return  // answered above
        case .inline(let handler):
            respond(engine, incoming.token, response: handler(request), protocolID: incoming.protocolID, now: now)
        case .async(let handler):
            guard counters.talkHandlersRunning < talkCap, !isShutDown else {
                counters.talkOverCapacity &+= 1
                logger.debug("TALK handler cap reached; answering empty", metadata: ["cap": "\(talkCap)"])
                respond(engine, incoming.token, response: [], protocolID: incoming.protocolID, now: now)
                return
            }
            counters.talkHandlersRunning += 1
            nextTalkNumber &+= 1
            let talk = nextTalkNumber
            let deadline = now.advanced(by: talkDeadline)
            runningTalks[talk] = RunningTalk(token: incoming.token, protocolID: incoming.protocolID)
            talkDeadlines.append((deadline, talk))
            runningTalks[talk]?.task = TalkExecution.start(
                talk,
                handler: handler,
                request: request,
                context: TalkContext(
                    deadline: clock.continuous(deadline),
                    logger: logger,
                    utp: UTPService(core: links.utp)
                ),
                hop: links.hop,
                executor: talkExecutor
            )
        }
    }

    /// Answers every TALKREQ whose handler missed its deadline with an empty TALKRESP and
    /// cancels the handler. Runs on the event loop's timer, so it holds even when the task
    /// pool is too busy to run the handlers.
    private func expireTalks(_ engine: Discv5Engine, now: Discv5Instant) {
        var expired = 0
        for entry in talkDeadlines {
            guard entry.deadline <= now else { break }
            expired += 1
            guard let running = runningTalks.removeValue(forKey: entry.talk) else { continue }
            counters.talkDeadlineExceeded &+= 1
            running.task?.cancel()
            logger.debug(
                "TALK handler missed its deadline; answered empty",
                metadata: ["protocol": "\(String(decoding: running.protocolID, as: UTF8.self))"]
            )
            respond(engine, running.token, response: [], protocolID: running.protocolID, now: now)
        }
        talkDeadlines.removeFirst(expired)
    }

    /// Sends a TALKRESP; one that does not fit a packet is replaced by an empty one.
    private func respond(
        _ engine: Discv5Engine,
        _ token: IncomingTalkRequest.Token,
        response: [UInt8],
        protocolID: [UInt8],
        now: Discv5Instant
    ) {
        guard !engine.respondToTalkRequest(token, response: response, now: now), !response.isEmpty else { return }
        // The answer could not be sent. If an empty one can, size was the problem.
        if engine.respondToTalkRequest(token, response: [], now: now) {
            counters.talkResponseTooLarge &+= 1
            logger.error(
                "TALK response too large for one packet; answered empty. Send large answers over uTP: context.utp.serve(_:to:) and answer with the connection id",
                metadata: [
                    "protocol": "\(String(decoding: protocolID, as: UTF8.self))", "bytes": "\(response.count)",
                ]
            )
        }
    }

    private func report() {
        guard let engine else { return }
        reporter.report(engine.metrics, sent: counters.datagramsSent, talkRequests: counters.talkRequests)
        reporter.reportTableSize(tableSize)
    }
}

@available(*, unavailable)
extension NodeEngine: Sendable {}
