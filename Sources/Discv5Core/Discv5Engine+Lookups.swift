// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Engine {
    /// Creates a lookup seeded from the table and sends its first queries.
    @discardableResult
    func startLookup(target: NodeID, origin: LookupRun.Origin, now: Discv5Instant) -> OperationID {
        let id = makeOperationID()
        let k = configuration.lookup.resultSize
        var seeds = store.table.closest(to: target, count: k, onlyLive: true).map(\.record)
        if seeds.isEmpty {
            // Bootstrapping: nothing is verified yet, so start from what we have.
            seeds = store.table.closest(to: target, count: k, onlyLive: false).map(\.record)
            seeds += bootnodes.filter { bootnode in !seeds.contains { $0.nodeID == bootnode.nodeID } }
        }
        let lookup = Lookup(target: target, localNodeID: localNodeID, seeds: seeds, configuration: configuration.lookup)
        lookups[id] = LookupRun(
            lookup: lookup,
            origin: origin,
            deadline: now.advanced(by: configuration.lookupTimeout)
        )
        engineMetrics.lookupsStarted &+= 1
        advanceLookup(id, now: now)
        return id
    }

    /// Sends the lookup's next queries, or finishes it.
    func advanceLookup(_ id: OperationID, now: Discv5Instant) {
        guard var run = lookups[id] else { return }
        // A query that cannot be addressed fails at once; loop until the lookup has its α in
        // flight or is finished.
        while true {
            let queries = run.lookup.nextQueries()
            if queries.isEmpty { break }
            for query in queries {
                let endpoint =
                    store.table.entry(for: query.nodeID)?.endpoint
                    ?? NodeEndpoint(record: query.record, preferIPv6: configuration.table.prefersIPv6)
                guard let endpoint else {
                    run.lookup.handleFailure(from: query.nodeID)
                    continue
                }
                engineMetrics.lookupQueries &+= 1
                lookups[id] = run
                send(
                    .findNode(distances: query.distances),
                    to: NodeContact(record: query.record, endpoint: endpoint),
                    purpose: .lookup(id),
                    now: now
                )
                // A failure may have been reported synchronously; it is handled when the
                // machine is drained, against the stored run.
                run = lookups[id] ?? run
            }
        }
        guard run.lookup.isFinished else {
            lookups[id] = run
            return
        }
        finishLookup(id, run)
    }

    /// Ends the lookups whose ``Discv5EngineConfiguration/lookupTimeout`` ran out, each with the
    /// closest nodes that answered; answers to their queries still in flight are then ignored.
    func expireLookups(now: Discv5Instant) {
        guard let earliest = nextLookupDeadline, earliest <= now else { return }
        for (id, run) in lookups where run.deadline <= now {
            engineMetrics.lookupsTimedOut &+= 1
            finishLookup(id, run)
        }
    }

    /// The earliest lookup deadline, if any lookup runs.
    var nextLookupDeadline: Discv5Instant? {
        lookups.values.lazy.map(\.deadline).min()
    }

    private func finishLookup(_ id: OperationID, _ run: LookupRun) {
        lookups[id] = nil
        engineMetrics.lookupsCompleted &+= 1
        if case .user = run.origin {
            emit(.completed(id, .lookup(run.lookup.result)))
        }
    }
}
