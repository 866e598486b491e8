// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR

/// An in-memory set of nodes, each answering FINDNODE from its own routing table: enough to
/// run real lookups without a network.
struct SimulatedDiscoveryNetwork: Sendable {
    /// Every node's record and table.
    private(set) var tables: [NodeID: RoutingTable] = [:]
    /// Every node's record, in creation order.
    let records: [ENR]
    /// Nodes that never answer.
    var unresponsive: Set<NodeID> = []
    /// The most records one NODES answer carries. Real peers stop at 16 in total over all
    /// asked distances; 48 lets a peer return its three asked buckets whole.
    var answerLimit = 16

    /// Builds `size` nodes with deterministic keys, each table stocked with every other node
    /// and every entry verified live.
    init(size: Int, seed: UInt64) throws {
        records = try (0..<size).map { index in
            try TestNodes.record(seed: seed &+ UInt64(index) &* 7919, ip: TestNodes.distinctIPv4(index))
        }
        let now = Discv5Instant(nanoseconds: 1_000_000_000)
        let later = now.advanced(bySeconds: 20)
        for record in records {
            var table = RoutingTable(localNodeID: record.nodeID)
            for other in records where other.nodeID != record.nodeID {
                _ = table.insert(other, now: now)
            }
            while let check = table.nextLivenessCheck(now: later) {
                table.recordLivenessResult(check.nodeID, alive: true, now: later)
            }
            tables[record.nodeID] = table
        }
    }

    /// The NODES answer of `peer` to a FINDNODE, or `nil` when it does not answer.
    func answer(from peer: NodeID, distances: [UInt16]) -> [ENR]? {
        guard !unresponsive.contains(peer), let table = tables[peer] else { return nil }
        return table.nodes(atDistances: distances, limit: answerLimit)
    }

    /// Drives a lookup to its end, answering every query batch in turn.
    /// - Returns: the number of query rounds and the largest number of queries in flight.
    @discardableResult
    func run(_ lookup: inout Lookup) -> (rounds: Int, maximumInFlight: Int) {
        var rounds = 0
        var maximumInFlight = 0
        while !lookup.isFinished && rounds < 1000 {
            let queries = lookup.nextQueries()
            maximumInFlight = max(maximumInFlight, lookup.pendingCount)
            if queries.isEmpty { break }
            rounds += 1
            for query in queries {
                if let records = answer(from: query.nodeID, distances: query.distances) {
                    lookup.handleResponse(from: query.nodeID, records: records)
                } else {
                    lookup.handleFailure(from: query.nodeID)
                }
            }
        }
        return (rounds, maximumInFlight)
    }

    /// The `count` node identifiers closest to `target`, by brute force.
    func bruteForceClosest(to target: NodeID, count: Int, excluding: Set<NodeID>) -> [NodeID] {
        records.map(\.nodeID).filter { !excluding.contains($0) }
            .sorted { target.distance(to: $0) < target.distance(to: $1) }
            .prefix(count).map { $0 }
    }
}
