// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Testing
import ENR
import Testing

/// The headline: 200 engines on a simulated network, bootstrapped from one bootnode.
@Suite("Discv5Engine: a 200-node network")
struct EngineNetworkTests {
    static let nodeCount = 200

    /// The `k` node ids closest to `target` among every node but `searcher`, by brute force.
    static func trueClosest(to target: NodeID, among ids: [NodeID], excluding searcher: NodeID, k: Int) -> [NodeID] {
        Array(ids.filter { $0 != searcher }.sorted { target.distance(to: $0) < target.distance(to: $1) }.prefix(k))
    }

    /// All 200 nodes join 50 ms apart from the same single bootnode (10 s), the network runs one
    /// more simulated minute (one or two refresh rounds), then every node looks up its own random
    /// target at the same time. Every one of the 200 lookups must return exactly the true 16
    /// closest node ids (brute force over all ids), in order. 10–15 ms one-way delay, no loss.
    @Test("all 200 nodes, bootstrapped from one bootnode, find exactly the true 16 closest to a random target")
    func allNodesFindTrueClosest() throws {
        let sim = try EngineSimulation(count: Self.nodeCount, seed: 0xD15C_0005) { index in
            index == 0 ? .bootnode : Discv5EngineConfiguration()
        }
        let bootnode = sim.nodes[0].record
        for i in 1..<Self.nodeCount {
            sim.with(i) { engine, now in engine.addBootnodes([bootnode], now: now) }
            sim.run(for: .milliseconds(50))
        }
        sim.run(for: .seconds(50))
        // Every node's table was stocked by the bootstrap alone.
        for node in sim.nodes {
            #expect(node.engine.tableRecords().count >= 16)
        }

        var rng = SeededRandomNumberGenerator(seed: 42)
        let ids = sim.nodes.map(\.nodeID)
        var operations: [(node: Int, target: NodeID, id: OperationID)] = []
        for i in 0..<Self.nodeCount {
            let target = NodeID(words: (rng.next(), rng.next(), rng.next(), rng.next()))
            let id = sim.with(i) { engine, now in engine.lookup(target: target, now: now) }
            operations.append((i, target, id))
        }
        sim.run(for: .seconds(20))

        for operation in operations {
            guard case .lookup(let records) = sim.completions[operation.node][operation.id] else {
                Issue.record("node \(operation.node): the lookup did not complete")
                continue
            }
            let expected = Self.trueClosest(to: operation.target, among: ids, excluding: ids[operation.node], k: 16)
            #expect(records.map(\.nodeID) == expected, "node \(operation.node)")
        }
        // In a lossless network where every node stays, no one is ever evicted.
        #expect(sim.nodes.allSatisfy { $0.engine.engineMetrics.nodesEvicted == 0 })
        #expect(sim.stuckDeadlines == 0)
    }
}
