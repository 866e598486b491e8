// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import TestSupport
import Testing

/// The engine's own limits, pushed past their bounds on a small simulated network.
@Suite("Discv5Engine limits")
struct EngineLimitsTests {
    @Test func userLookupsBeyondTheCapFailAtOnceAndTheRunningOnesFinish() throws {
        let sim = try EngineBehaviourTests.bootstrapped(count: 8, seed: 71, settle: .seconds(10)) { index in
            var configuration = Discv5EngineConfiguration()
            if index == 1 { configuration.maximumConcurrentLookups = 3 }
            return configuration
        }
        var random = SplitMix64(seed: 5)
        let ids = (0..<5).map { _ in
            sim.with(1) { engine, now in engine.lookup(target: TestNodes.randomID(using: &random), now: now) }
        }
        // The fourth and fifth are refused on the spot; no query was sent for them.
        for id in ids.suffix(2) {
            guard case .failed(let error)? = sim.completions[1][id] else {
                Issue.record("lookup \(id) was not refused: \(String(describing: sim.completions[1][id]))")
                continue
            }
            #expect(error.code == .limitReached)
        }
        #expect(sim.nodes[1].engine.engineMetrics.lookupsRefused == 2)
        for id in ids.prefix(3) {
            let result = sim.run(until: id, on: 1)
            guard case .lookup(let records)? = result else {
                Issue.record("lookup \(id) did not finish: \(String(describing: result))")
                continue
            }
            #expect(!records.isEmpty)
        }
        // Once they are done, there is room again.
        let later = sim.with(1) { engine, now in engine.lookup(target: TestNodes.randomID(using: &random), now: now) }
        guard case .lookup? = sim.run(until: later, on: 1) else {
            Issue.record("a lookup after the others finished did not complete")
            return
        }
        #expect(sim.nodes[1].engine.engineMetrics.lookupsRefused == 2)
    }
}
