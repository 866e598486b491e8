// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Testing
import ENR
import Testing

/// Lookups through tables that still serve many nodes that are gone: the churned network of the
/// soak, where short-lived nodes had been admitted and left, on a simulated network.
@Suite("Discv5Engine: lookups among departed nodes")
struct EngineLookupDeadlineTests {
    static let liveCount = 12
    static let departedCount = 36

    /// `liveCount` nodes that stay and `departedCount` that join, are admitted to the tables, then
    /// fall silent while their entries are still live (the next liveness check is minutes away);
    /// the last node is a fresh searcher that has not joined yet.
    static func churnedNetwork(lookupTimeout: Duration) throws -> EngineSimulation {
        let total = liveCount + departedCount + 1
        let sim = try EngineSimulation(count: total, seed: 0x50AC) { index in
            var configuration = index == 0 ? Discv5EngineConfiguration.bootnode : Discv5EngineConfiguration()
            configuration.lookupTimeout = lookupTimeout
            return configuration
        }
        for i in 1..<liveCount {
            sim.with(i) { engine, now in engine.addBootnodes([sim.nodes[0].record], now: now) }
        }
        sim.run(for: .seconds(40))
        for i in liveCount..<(liveCount + departedCount) {
            sim.with(i) { engine, now in engine.addBootnodes([sim.nodes[1 + i % (liveCount - 1)].record], now: now) }
            sim.run(for: .milliseconds(100))
        }
        sim.run(for: .seconds(20))
        for i in liveCount..<(liveCount + departedCount) { sim.silent.insert(i) }
        return sim
    }

    /// Looks up a fixed target from the fresh searcher through live node 1.
    /// - Returns: the result and how long it took in simulated time (`nil` if none within 10 min).
    static func lookUp(in sim: EngineSimulation) -> (records: [ENR], took: Duration)? {
        let searcher = sim.nodes.count - 1
        let target = NodeID(words: (0x0123_4567_89AB_CDEF, 0x0F0F_0F0F_0F0F_0F0F, 0x5555_AAAA_5555_AAAA, 42))
        let started = sim.now
        let operation = sim.with(searcher) { engine, now in
            engine.addBootnodes([sim.nodes[1].record], now: now)
            return engine.lookup(target: target, now: now)
        }
        guard case .lookup(let records) = sim.run(until: operation, on: searcher, limit: .seconds(600)) else {
            return nil
        }
        return (records, started.duration(to: sim.now))
    }

    @Test("a lookup whose candidates are mostly departed nodes still ends by its deadline, with live nodes")
    func lookupAmongDepartedNodesEndsByItsDeadline() throws {
        // The tables really serve the departed nodes: without a deadline the lookup crawls through
        // them one request timeout (and one re-try) at a time for far longer than the deadline.
        let uncapped = try Self.churnedNetwork(lookupTimeout: .seconds(3600))
        let served = uncapped.nodes[1].engine.tableRecords().count { record in
            uncapped.silent.contains { uncapped.nodes[$0].nodeID == record.nodeID }
        }
        #expect(served >= 16, "node 1 serves \(served) departed nodes")
        let slow = try #require(Self.lookUp(in: uncapped))
        #expect(slow.took > .seconds(20), "the uncapped lookup took \(slow.took)")

        let deadline = Discv5EngineConfiguration.defaultLookupTimeout
        let sim = try Self.churnedNetwork(lookupTimeout: deadline)
        let capped = try #require(Self.lookUp(in: sim), "the lookup never completed")
        #expect(capped.took <= deadline, "the lookup took \(capped.took)")
        #expect(!capped.records.isEmpty)
        let live = Set(sim.nodes.prefix(Self.liveCount).map(\.nodeID))
        #expect(capped.records.allSatisfy { live.contains($0.nodeID) })
        let searcher = try #require(sim.nodes.last)
        #expect(searcher.engine.engineMetrics.lookupsTimedOut >= 1)
        #expect(sim.stuckDeadlines == 0)
    }
}
