// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Engine {
    /// Offers a record to the routing table and acts on the outcome: a new entry is announced
    /// (and pinged by the liveness checks), a full bucket's least-recently-seen entry is pinged.
    func offerToTable(_ record: ENR, endpoint: NodeEndpoint?, origin: RoutingTable.Origin, now: Discv5Instant) {
        let result = store.table.insert(record, endpoint: endpoint, origin: origin, now: now)
        switch result {
        case .inserted:
            livenessDeadlineIsStale = true
            engineMetrics.nodesAdded &+= 1
            emit(.event(.nodeAdded(record)))
        case .updated:
            livenessDeadlineIsStale = true
        case .addedToReplacementCache(let check):
            livenessDeadlineIsStale = true
            if let check { sendLivenessCheck(check, now: now) }
        case .rejected(.inboundNotYetAdmitted):
            engineMetrics.inboundRejectedBeforeStocked &+= 1
        case .unchanged, .rejected:
            break
        }
    }

    /// Reports a liveness outcome to the table and announces evictions and promotions.
    func applyLivenessResult(_ nodeID: NodeID, alive: Bool, now: Discv5Instant) {
        let outcome = store.table.recordLivenessResult(nodeID, alive: alive, now: now)
        livenessDeadlineIsStale = true
        guard case .evicted(let promoted) = outcome else { return }
        engineMetrics.nodesEvicted &+= 1
        emit(.event(.nodeRemoved(nodeID)))
        if let promoted, let entry = store.table.entry(for: promoted) {
            engineMetrics.nodesAdded &+= 1
            emit(.event(.nodeAdded(entry.record)))
        }
    }

    /// Starts the liveness checks that are due, up to the concurrency cap.
    /// - Returns: whether any was started.
    func startDueLivenessChecks(now: Discv5Instant) -> Bool {
        var started = false
        while livenessInFlight < configuration.maximumConcurrentLivenessChecks {
            guard let due = currentLivenessDeadline(), due <= now else { break }
            guard let check = store.table.nextLivenessCheck(now: now) else {
                livenessDeadlineIsStale = true
                break
            }
            livenessDeadlineIsStale = true
            sendLivenessCheck(check, now: now)
            started = true
        }
        return started
    }

    func sendLivenessCheck(_ check: RoutingTable.LivenessCheck, now: Discv5Instant) {
        livenessInFlight += 1
        engineMetrics.livenessChecks &+= 1
        send(.ping, to: NodeContact(record: check.record, endpoint: check.endpoint), purpose: .liveness, now: now)
    }

    /// Starts the periodic refresh lookup unless the previous one still runs: our own id while
    /// the table holds few live nodes, else a random target.
    func startRefresh(now: Discv5Instant) {
        if let running = refreshLookup, lookups[running] != nil { return }
        let target: NodeID
        if store.table.liveCount < configuration.selfLookupThreshold {
            target = localNodeID
        } else {
            target = NodeID(words: (random.next(), random.next(), random.next(), random.next()))
        }
        engineMetrics.refreshes &+= 1
        refreshLookup = startLookup(target: target, origin: .refresh, now: now)
    }
}
