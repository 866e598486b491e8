// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import Discv5Testing
import ENR

/// Many ``Discv5Engine``s on a ``SimulatedNetwork`` with a ``ManualClock``: the test driver loop
/// an I/O shell would be, with simulated time. Deterministic for a given seed.
final class EngineSimulation {
    /// One simulated node.
    struct Node {
        let key: Secp256k1.PrivateKey
        let record: ENR
        let endpoint: NodeEndpoint
        let engine: Discv5Engine

        var nodeID: NodeID { record.nodeID }
    }

    private(set) var nodes: [Node] = []
    private var index: [NodeEndpoint: Int] = [:]
    var network: SimulatedNetwork<NodeEndpoint>
    private(set) var clock = ManualClock()
    /// Each engine's next deadline in nanoseconds (`UInt64.max` for none).
    private var deadlines: [UInt64] = []
    /// Operation results per node.
    private(set) var completions: [[OperationID: Discv5Engine.OperationResult]] = []
    /// Events per node, in order.
    private(set) var events: [[Discv5Engine.Event]] = []
    /// TALKREQs received per node.
    private(set) var talkRequests: [[IncomingTalkRequest]] = []
    /// Nodes that neither send nor receive.
    var silent: Set<Int> = []
    /// The TALKRESP a node gives; the default echoes the payload reversed.
    var talkAnswer: (Int, IncomingTalkRequest) -> [UInt8] = { _, request in request.payload.reversed() }
    /// Times an engine still reported a past deadline right after ``Discv5Engine/handleTimeouts(now:)``
    /// (the shell would spin): must stay 0.
    private(set) var stuckDeadlines = 0
    /// Driver loop iterations so far.
    private(set) var iterations = 0

    /// Builds `count` nodes, node `i` at `10.(i/250).(i%250 + 1)`:30303, keys from `seed`; a node's
    /// record advertises `advertised(i)` when given (a node behind a NAT), else its endpoint.
    init(
        count: Int,
        seed: UInt64,
        network configuration: SimulatedNetwork<NodeEndpoint>.Configuration = .init(
            baseDelay: 10_000_000,
            jitter: 5_000_000
        ),
        engineConfiguration: (Int) -> Discv5EngineConfiguration = { _ in Discv5EngineConfiguration() },
        advertised: (Int) -> NodeEndpoint? = { _ in nil }
    ) throws {
        network = SimulatedNetwork(configuration: configuration, seed: seed)
        for i in 0..<count {
            let key = try TestNodes.key(seed: seed &* 1_000_003 &+ UInt64(i))
            let ip: [UInt8] = [10, UInt8(i / 250), UInt8(i % 250 + 1), 1]
            let endpoint = NodeEndpoint(ip: IPAddress(bytes: ip)!, port: 30303)
            let shown = advertised(i) ?? endpoint
            let record = try TestNodes.record(key: key, ip: shown.ip.bytes, port: shown.port)
            let engine = Discv5Engine(
                configuration: engineConfiguration(i),
                privateKey: key,
                localRecord: record,
                now: .zero,
                random: SeededRandomNumberGenerator(seed: seed &+ UInt64(i) &* 7919)
            )
            index[endpoint] = i
            nodes.append(Node(key: key, record: record, endpoint: endpoint, engine: engine))
            deadlines.append(engine.nextDeadline?.nanoseconds ?? .max)
        }
        completions = Array(repeating: [:], count: count)
        events = Array(repeating: [], count: count)
        talkRequests = Array(repeating: [], count: count)
    }

    var now: Discv5Instant { Discv5Instant(nanoseconds: clock.now) }

    /// Runs an input on node `i`'s engine and performs its actions.
    @discardableResult
    func with<T, E: Error>(_ i: Int, _ body: (Discv5Engine, Discv5Instant) throws(E) -> T) throws(E) -> T {
        defer { drain(i) }
        return try body(nodes[i].engine, now)
    }

    /// Performs every pending action of node `i`, as a shell would.
    func drain(_ i: Int) {
        let engine = nodes[i].engine
        while let action = engine.nextAction() {
            switch action {
            case .send(let bytes, let endpoint):
                guard !silent.contains(i) else { continue }
                network.send(bytes, from: nodes[i].endpoint, to: endpoint, at: clock.now)
            case .completed(let id, let result):
                completions[i][id] = result
            case .incomingTalkRequest(let request):
                talkRequests[i].append(request)
                engine.respondToTalkRequest(request.token, response: talkAnswer(i, request), now: now)
            case .event(let event):
                events[i].append(event)
            }
        }
        deadlines[i] = engine.nextDeadline?.nanoseconds ?? .max
    }

    /// Runs the network until `end` (nanoseconds), or until `maximumIterations` loop turns.
    func run(until end: UInt64, maximumIterations: Int = 10_000_000) {
        var turns = 0
        while turns < maximumIterations {
            turns += 1
            iterations += 1
            let time = clock.now
            for delivery in network.deliverDue(now: time) {
                guard let i = index[delivery.to], !silent.contains(i) else { continue }
                nodes[i].engine.handleDatagram(delivery.bytes, from: delivery.from, now: now)
                drain(i)
            }
            for i in deadlines.indices where deadlines[i] <= time {
                nodes[i].engine.handleTimeouts(now: now)
                drain(i)
                if deadlines[i] <= time { stuckDeadlines += 1 }
            }
            let next = min(network.nextDeliveryTime ?? .max, deadlines.min() ?? .max)
            guard next <= end else {
                clock.advance(to: end)
                return
            }
            clock.advance(to: max(next, time + 1))
        }
    }

    /// Runs the network for `duration` of simulated time.
    func run(for duration: Duration) {
        run(until: now.advanced(by: duration).nanoseconds)
    }

    /// Runs until node `i` has a result for `operation`, or `limit` of simulated time passed.
    @discardableResult
    func run(until operation: OperationID, on i: Int, limit: Duration = .seconds(30)) -> Discv5Engine.OperationResult? {
        let end = now.advanced(by: limit).nanoseconds
        while completions[i][operation] == nil && clock.now < end {
            let next = min(network.nextDeliveryTime ?? .max, deadlines.min() ?? .max, end)
            run(until: max(next, clock.now))
            if network.nextDeliveryTime == nil && (deadlines.min() ?? .max) > end { break }
        }
        return completions[i][operation]
    }
}
