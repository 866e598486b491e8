// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import TestSupport
import Testing

@Suite struct LookupTests {
    /// Built once: 200 nodes with real keys and signed records.
    static let network: SimulatedDiscoveryNetwork = {
        // Fixed seeds always make valid keys; a failure here is a broken helper.
        try! SimulatedDiscoveryNetwork(size: 200, seed: 0xD15C_0005)
    }()

    /// The network with peers that return their asked buckets whole (up to 48 records), so
    /// only the lookup's own logic decides what is found.
    static var completeAnswers: SimulatedDiscoveryNetwork {
        var network = network
        network.answerLimit = 48
        return network
    }

    /// Runs a lookup from a random node of `network` for a random target.
    private func lookUp(
        in network: SimulatedDiscoveryNetwork,
        seed: UInt64
    ) throws -> (lookup: Lookup, expected: [NodeID], maximumInFlight: Int) {
        var rng = SplitMix64(seed: seed)
        let origin = network.records[Int.random(in: 0..<200, using: &rng)]
        let target = TestNodes.randomID(using: &rng)
        let table = try #require(network.tables[origin.nodeID])
        var lookup = Lookup(
            target: target,
            localNodeID: origin.nodeID,
            seeds: table.closest(to: target, count: 16).map(\.record)
        )
        let stats = network.run(&lookup)
        let expected = network.bruteForceClosest(to: target, count: 16, excluding: [origin.nodeID])
        return (lookup, expected, stats.maximumInFlight)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16, 17, 18])
    func findsTheTrueSixteenClosest(seed: UInt64) throws {
        let (lookup, expected, maximumInFlight) = try lookUp(in: Self.completeAnswers, seed: seed)
        #expect(lookup.isFinished)
        #expect(maximumInFlight <= LookupConfiguration.defaultParallelism)
        #expect(lookup.result.map(\.nodeID) == expected)
    }

    /// With real peers' 16-record cap per answer, a peer's three asked buckets can be cut
    /// short, so a lookup in a small network may miss a few of the true 16 closest (over 60
    /// seeds this network gave 13 to 16 of 16, and always the nearest). That is the
    /// protocol's coarseness, not the lookup's: with whole answers the result is exact (above).
    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16, 17, 18])
    func findsNearlyAllOfTheSixteenClosestWithCappedAnswers(seed: UInt64) throws {
        let (lookup, expected, maximumInFlight) = try lookUp(in: Self.network, seed: seed)
        let found = lookup.result.map(\.nodeID)
        #expect(lookup.isFinished)
        #expect(maximumInFlight <= LookupConfiguration.defaultParallelism)
        #expect(found.count == 16)
        #expect(found.first == expected.first)
        #expect(Set(found).intersection(expected).count >= 13)
        let target = lookup.target
        #expect(found == found.sorted { target.distance(to: $0) < target.distance(to: $1) })
    }

    @Test func findsTheTargetNodeItself() throws {
        let network = Self.completeAnswers
        let origin = network.records[0]
        let target = network.records[123].nodeID
        let table = try #require(network.tables[origin.nodeID])
        var lookup = Lookup(
            target: target,
            localNodeID: origin.nodeID,
            seeds: table.closest(to: target, count: 16).map(\.record)
        )
        network.run(&lookup)
        #expect(lookup.result.first?.nodeID == target)
        #expect(
            lookup.result.map(\.nodeID) == network.bruteForceClosest(to: target, count: 16, excluding: [origin.nodeID])
        )
    }

    @Test func routesAroundUnresponsiveNodes() throws {
        var network = Self.completeAnswers
        var rng = SplitMix64(seed: 99)
        let origin = network.records[7]
        let target = TestNodes.randomID(using: &rng)
        // The ten nodes nearest the target never answer.
        let silent = network.bruteForceClosest(to: target, count: 10, excluding: [origin.nodeID])
        network.unresponsive = Set(silent)
        let table = try #require(network.tables[origin.nodeID])
        var lookup = Lookup(
            target: target,
            localNodeID: origin.nodeID,
            seeds: table.closest(to: target, count: 16).map(\.record)
        )
        network.run(&lookup)
        #expect(lookup.isFinished)
        let expected = network.bruteForceClosest(to: target, count: 16, excluding: Set(silent + [origin.nodeID]))
        #expect(lookup.result.map(\.nodeID) == expected)
    }

    @Test func neverHasMoreThanAlphaQueriesInFlight() {
        let seeds = Array(TestNodes.pool.prefix(20))
        var rng = SplitMix64(seed: 3)
        var lookup = Lookup(
            target: TestNodes.randomID(using: &rng),
            localNodeID: TestNodes.randomID(using: &rng),
            seeds: seeds
        )
        let first = lookup.nextQueries()
        #expect(first.count == 3)
        #expect(lookup.nextQueries().isEmpty)
        lookup.handleFailure(from: first[0].nodeID)
        #expect(lookup.nextQueries().count == 1)
        #expect(lookup.pendingCount == 3)
    }

    @Test func queriesAskTheTargetDistanceAndItsNeighbours() {
        var rng = SplitMix64(seed: 4)
        let target = TestNodes.randomID(using: &rng)
        let seeds = Array(TestNodes.pool.prefix(5))
        var lookup = Lookup(target: target, localNodeID: TestNodes.randomID(using: &rng), seeds: seeds)
        for query in lookup.nextQueries() {
            #expect(query.distances == FindNodeDistances.forLookup(target: target, peer: query.nodeID))
            let d = target.logDistance(to: query.nodeID)
            #expect(query.distances.first == UInt16(d))
        }
        // Queries go to the nearest seeds first.
        let nearest = seeds.sorted { target.distance(to: $0.nodeID) < target.distance(to: $1.nodeID) }.prefix(3)
        var fresh = Lookup(target: target, localNodeID: TestNodes.randomID(using: &rng), seeds: seeds.reversed())
        #expect(fresh.nextQueries().map(\.nodeID) == nearest.map(\.nodeID))
    }

    @Test func distanceRulesAtTheEdges() {
        let zero = NodeID(words: (0, 0, 0, 0))
        #expect(FindNodeDistances.forLookup(target: zero, peer: NodeID(words: (1 << 63, 0, 0, 0))) == [256, 255])
        #expect(FindNodeDistances.forLookup(target: zero, peer: NodeID(words: (0, 0, 0, 1))) == [1, 2])
        #expect(FindNodeDistances.forLookup(target: zero, peer: NodeID(words: (0, 0, 0, 4))) == [3, 4, 2])
        #expect(FindNodeDistances.forLookup(target: zero, peer: zero) == [1])
        #expect(FindNodeDistances.sanitized([256, 0, 257, 256, 65535, 3]) == [256, 0, 3])
    }

    @Test func rejectsRecordsAtDistancesNotAsked() throws {
        var rng = SplitMix64(seed: 5)
        let seed = TestNodes.pool[0]
        let target = TestNodes.randomID(using: &rng)
        var lookup = Lookup(target: target, localNodeID: TestNodes.randomID(using: &rng), seeds: [seed])
        let query = try #require(lookup.nextQueries().first)
        let (good, bad) = TestNodes.pool.dropFirst().prefix(100).reduce(into: ([ENR](), [ENR]())) { split, record in
            if FindNodeDistances.record(record, matches: query.distances, from: seed.nodeID) {
                split.0.append(record)
            } else {
                split.1.append(record)
            }
        }
        #expect(!good.isEmpty && !bad.isEmpty)
        let outcome = lookup.handleResponse(from: seed.nodeID, records: good + bad)
        #expect(outcome == .processed(newCandidates: good.count, rejectedRecords: bad.count))
        // Only the valid records are ever queried.
        var asked = Set<NodeID>()
        while !lookup.isFinished {
            let queries = lookup.nextQueries()
            for query in queries {
                asked.insert(query.nodeID)
                lookup.handleFailure(from: query.nodeID)
            }
        }
        #expect(asked.isSubset(of: Set(good.map(\.nodeID))))
        #expect(asked.isDisjoint(with: Set(bad.map(\.nodeID))))
        #expect(lookup.result.map(\.nodeID) == [seed.nodeID])
    }

    @Test func ignoresUnsolicitedAndRepeatedResponses() throws {
        var rng = SplitMix64(seed: 6)
        var lookup = Lookup(
            target: TestNodes.randomID(using: &rng),
            localNodeID: TestNodes.randomID(using: &rng),
            seeds: [TestNodes.pool[0]]
        )
        #expect(lookup.handleResponse(from: TestNodes.pool[0].nodeID, records: []) == .ignored)  // not asked yet
        let query = try #require(lookup.nextQueries().first)
        #expect(
            lookup.handleResponse(from: query.nodeID, records: []) == .processed(newCandidates: 0, rejectedRecords: 0)
        )
        #expect(lookup.handleResponse(from: query.nodeID, records: []) == .ignored)
        #expect(lookup.handleResponse(from: TestNodes.pool[1].nodeID, records: []) == .ignored)
        #expect(lookup.handleFailure(from: query.nodeID) == false)
    }

    @Test func lateResponseAfterFailureStillCounts() throws {
        var rng = SplitMix64(seed: 7)
        var lookup = Lookup(
            target: TestNodes.randomID(using: &rng),
            localNodeID: TestNodes.randomID(using: &rng),
            seeds: [TestNodes.pool[0]]
        )
        let query = try #require(lookup.nextQueries().first)
        #expect(lookup.handleFailure(from: query.nodeID) == true)
        #expect(lookup.isFinished)
        #expect(lookup.result.isEmpty)
        #expect(
            lookup.handleResponse(from: query.nodeID, records: []) == .processed(newCandidates: 0, rejectedRecords: 0)
        )
        #expect(lookup.result.map(\.nodeID) == [query.nodeID])
    }

    @Test func terminatesWhenEverySeedFails() {
        var rng = SplitMix64(seed: 8)
        var lookup = Lookup(
            target: TestNodes.randomID(using: &rng),
            localNodeID: TestNodes.randomID(using: &rng),
            seeds: Array(TestNodes.pool.prefix(10))
        )
        var rounds = 0
        while !lookup.isFinished {
            rounds += 1
            for query in lookup.nextQueries() { lookup.handleFailure(from: query.nodeID) }
        }
        #expect(rounds == 4)  // 10 seeds, 3 at a time
        #expect(lookup.queriedCount == 10)
        #expect(lookup.result.isEmpty)
        #expect(lookup.nextQueries().isEmpty)
    }

    @Test func lookupWithoutSeedsIsFinishedAtOnce() {
        var lookup = Lookup(target: NodeID(words: (1, 2, 3, 4)), localNodeID: NodeID(words: (0, 0, 0, 0)), seeds: [])
        #expect(lookup.isFinished)
        #expect(lookup.nextQueries().isEmpty)
        #expect(lookup.result.isEmpty)
    }

    @Test func neverQueriesTheLocalNode() {
        let local = TestNodes.pool[0]
        var lookup = Lookup(target: local.nodeID, localNodeID: local.nodeID, seeds: [local, TestNodes.pool[1]])
        #expect(lookup.nextQueries().map(\.nodeID) == [TestNodes.pool[1].nodeID])
    }

    @Test func candidateListIsBounded() throws {
        var rng = SplitMix64(seed: 9)
        let config = LookupConfiguration(maximumCandidates: 20)
        let target = TestNodes.randomID(using: &rng)
        var lookup = Lookup(
            target: target,
            localNodeID: TestNodes.randomID(using: &rng),
            seeds: Array(TestNodes.pool),
            configuration: config
        )
        // Only the 20 nearest seeds remain; all of them are within reach of the k closest.
        var asked: [NodeID] = []
        while !lookup.isFinished {
            for query in lookup.nextQueries() {
                asked.append(query.nodeID)
                lookup.handleFailure(from: query.nodeID)
            }
        }
        let nearest = TestNodes.pool.map(\.nodeID).sorted { target.distance(to: $0) < target.distance(to: $1) }.prefix(
            20
        )
        #expect(Set(asked) == Set(nearest))
    }
}
