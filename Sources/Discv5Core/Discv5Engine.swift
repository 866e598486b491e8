// SPDX-License-Identifier: Apache-2.0

import DequeModule
import Discv5Crypto
import ENR

/// A complete sans-I/O Discovery v5.1 node: the protocol machine, the routing table, lookups,
/// liveness checks, periodic refresh, endpoint voting and bootstrapping, composed.
///
/// The shell only moves bytes and arms one timer; every decision is made here:
///
/// ```swift
/// let engine = Discv5Engine(configuration: .init(), privateKey: key, localRecord: record, now: clock.now)
/// engine.addBootnodes(bootnodes, now: clock.now)
/// loop {
///     // input: one of
///     engine.handleDatagram(bytes, from: source, now: clock.now)   // a datagram arrived
///     engine.handleTimeouts(now: clock.now)                        // the timer fired
///     let op = engine.lookup(target: id, now: clock.now)           // the user asked
///     // output: after every input
///     while let action = engine.nextAction() {
///         switch action {
///         case .send(let bytes, let endpoint): socket.send(bytes, to: endpoint)
///         case .completed(let op, let result): resume the caller waiting for `op`
///         case .incomingTalkRequest(let request): route it, then engine.respondToTalkRequest(...)
///         case .event(let event): publish it
///         }
///     }
///     timer.arm(at: engine.nextDeadline)   // nil: no timer; a past instant: fire at once
/// }
/// ```
///
/// What it does on its own:
/// - Table admission: records from our own lookups, FINDNODE answers and bootnodes enter as
///   unverified (`origin: .discovered`); nodes that contacted us enter only once the table is
///   stocked (``RoutingTable`` gates `origin: .inbound`) and only when their handshake showed
///   their record's endpoint is the one they write from (`tableEligible`). Requests sent in
///   no-response mode (uTP) never touch the table.
/// - Liveness: PINGs the nodes ``RoutingTable/nextLivenessCheck(now:)`` hands out (at most
///   ``Discv5EngineConfiguration/maximumConcurrentLivenessChecks`` at once). Any answered request
///   proves a table node live; a timed-out one evicts it and promotes a replacement. A PONG
///   announcing a higher `enr-seq` than the record we hold fetches the new record (FINDNODE 0).
/// - Endpoint voting: PONG `recipient` fields vote; a winning new endpoint is written into our
///   record, re-signed with `seq + 1`, unless the family's address was fixed by the user.
/// - Lookups: any number at once, each with `α` = 3 FINDNODEs in flight, each ending within
///   ``Discv5EngineConfiguration/lookupTimeout`` (10 s); what they learn goes into the table.
///   FINDNODE is answered with up to `k` live records per asked distance.
/// - Refresh: every ``Discv5EngineConfiguration/refreshInterval`` a lookup for a random target
///   (our own id while the table has few live nodes).
///
/// Determinism: every random draw comes from the generator given at init (shared with the
/// protocol machine), every time from the `now` arguments.
///
/// A final class with one owner (an actor, or a class behind a lock): not `Sendable`, and it
/// takes no locks. Peer input never traps and never throws.
public final class Discv5Engine {
    /// The settings.
    public let configuration: Discv5EngineConfiguration
    /// Our node id.
    public let localNodeID: NodeID
    /// Engine-level counters (table upkeep, lookups, voting).
    public internal(set) var engineMetrics = Discv5EngineMetrics()

    let machine: Discv5Protocol
    let privateKey: Secp256k1.PrivateKey
    let store: RoutingTableBox
    var random: SharedRandom
    var voting: EndpointVoting
    var actions: Deque<Action> = []
    var nextOperationNumber: UInt64 = 0
    /// Requests of ours in the machine, by handle: why we sent them.
    var requests: [RequestHandle: TrackedRequest] = [:]
    /// Running lookups.
    var lookups: [OperationID: LookupRun] = [:]
    /// Bootnode records, kept to seed lookups while the table has nothing better.
    var bootnodes: [ENR] = []
    /// Liveness PINGs in flight.
    var livenessInFlight = 0
    /// Nodes whose newer record is being fetched.
    var recordFetches: Set<NodeID> = []
    /// When the next refresh lookup starts.
    var nextRefresh: Discv5Instant
    /// The running refresh lookup, if any (refreshes never overlap).
    var refreshLookup: OperationID?
    /// Timed-out requests waiting for their random pause before being sent again.
    var scheduledRetries: [(due: Discv5Instant, request: TrackedRequest)] = []
    /// The table's next liveness due time; recomputed after the table changes.
    var livenessDeadline: Discv5Instant?
    var livenessDeadlineIsStale = true

    /// Creates an engine.
    ///
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - privateKey: Our static key; `localRecord` must be signed by it. The engine re-signs
    ///     the record with it when our endpoint changes.
    ///   - localRecord: Our record.
    ///   - now: The current time.
    ///   - random: The source of every random value (shared with the protocol machine). Must be
    ///     cryptographically secure outside tests; the default is.
    public init(
        configuration: Discv5EngineConfiguration = Discv5EngineConfiguration(),
        privateKey: Secp256k1.PrivateKey,
        localRecord: ENR,
        now: Discv5Instant,
        random: any RandomNumberGenerator = SystemRandomNumberGenerator()
    ) {
        let nodeID = NodeID(publicKey: privateKey.publicKey)
        let store = RoutingTableBox(RoutingTable(localNodeID: nodeID, configuration: configuration.table))
        let shared = SharedRandom(random)
        self.configuration = configuration
        self.localNodeID = nodeID
        self.privateKey = privateKey
        self.store = store
        self.random = shared
        self.machine = Discv5Protocol(
            configuration: configuration.protocolConfiguration,
            privateKey: privateKey,
            localRecord: localRecord,
            now: now,
            random: shared,
            findNodeResponder: { [store] distances in store.serve(distances) },
            recordLookup: { [store] nodeID in store.table.entry(for: nodeID)?.record }
        )
        self.voting = EndpointVoting(
            configuration: configuration.endpointVoting,
            currentIPv4: localRecord.udpEndpoint.map { NodeEndpoint(ip: $0.ip, port: $0.port) },
            currentIPv6: localRecord.udp6Endpoint.map { NodeEndpoint(ip: $0.ip, port: $0.port) }
        )
        self.nextRefresh = now.advanced(by: configuration.refreshInterval)
    }

    // MARK: - Outputs and state

    /// The next thing to do, or `nil` when there is nothing. Call in a loop after every input.
    public func nextAction() -> Action? {
        actions.popFirst()
    }

    /// When ``handleTimeouts(now:)`` must next be called: the earliest of the protocol's request
    /// timers, request re-tries, lookup deadlines, the next liveness check and the next refresh. Never `nil` (refresh always runs);
    /// an instant in the past means "now".
    public var nextDeadline: Discv5Instant? {
        var deadline = nextRefresh
        if let protocolDeadline = machine.nextDeadline { deadline = min(deadline, protocolDeadline) }
        if let retry = scheduledRetries.lazy.map(\.due).min() { deadline = min(deadline, retry) }
        if let lookupDeadline = nextLookupDeadline { deadline = min(deadline, lookupDeadline) }
        if livenessInFlight < configuration.maximumConcurrentLivenessChecks, let liveness = currentLivenessDeadline() {
            deadline = min(deadline, liveness)
        }
        return deadline
    }

    /// Our current record.
    public var localRecord: ENR { machine.localRecord }

    /// The protocol machine's datagram counters.
    public var metrics: Discv5Metrics { machine.metrics }

    /// The number of lookups running.
    public var activeLookupCount: Int { lookups.count }

    /// The routing table (read-only view).
    public var routingTable: RoutingTable { store.table }

    /// The records in the routing table's buckets.
    ///
    /// - Parameters:
    ///   - onlyLive: List only nodes that passed a liveness check (the ones served to others).
    /// - Returns: The records, nearest bucket first.
    public func tableRecords(onlyLive: Bool = true) -> [ENR] {
        store.table.entries.filter { !onlyLive || $0.status == .live }.map(\.record)
    }

    // MARK: - Inputs

    /// Handles one received datagram.
    ///
    /// - Parameters:
    ///   - bytes: The UDP payload.
    ///   - source: The endpoint it came from.
    ///   - now: The current time.
    public func handleDatagram(_ bytes: UnsafeRawBufferPointer, from source: NodeEndpoint, now: Discv5Instant) {
        machine.handleDatagram(bytes, from: source, now: now)
        pump(now: now)
    }

    /// Handles one received datagram.
    ///
    /// - Parameters:
    ///   - bytes: The UDP payload.
    ///   - source: The endpoint it came from.
    ///   - now: The current time.
    public func handleDatagram(_ bytes: [UInt8], from source: NodeEndpoint, now: Discv5Instant) {
        bytes.withUnsafeBytes { handleDatagram($0, from: source, now: now) }
    }

    /// Runs every timer that is due: request timeouts, lookup deadlines, liveness checks, refresh.
    ///
    /// - Parameters:
    ///   - now: The current time.
    public func handleTimeouts(now: Discv5Instant) {
        machine.handleTimeouts(now: now)
        sendDueRetries(now: now)
        expireLookups(now: now)
        if nextRefresh <= now {
            nextRefresh = now.advanced(by: configuration.refreshInterval)
            startRefresh(now: now)
        }
        pump(now: now)
    }

    // MARK: - Helpers

    func makeOperationID() -> OperationID {
        nextOperationNumber += 1
        return OperationID(rawValue: nextOperationNumber)
    }

    func emit(_ action: Action) {
        actions.append(action)
    }

    func currentLivenessDeadline() -> Discv5Instant? {
        if livenessDeadlineIsStale {
            livenessDeadline = store.table.nextLivenessDeadline()
            livenessDeadlineIsStale = false
        }
        return livenessDeadline
    }
}

@available(*, unavailable)
extension Discv5Engine: Sendable {}
