// SPDX-License-Identifier: Apache-2.0

import ENR

/// An iterative Kademlia lookup for the `k` nodes closest to a target (discv5-theory.md,
/// "Recursive Lookup"), as a deterministic state machine with no I/O and no clock.
///
/// ```
/// seeds ─▶ candidates (sorted by XOR distance to the target)
///           │ nextQueries(): among the k closest non-failed candidates, up to α unqueried
///           ▼ ones become pending; each is asked FINDNODE [d, d+1, d−1]
///        pending ──handleResponse──▶ responded (its records become candidates)
///           └──────handleFailure───▶ failed (out of consideration unless it answers later)
/// finished: nothing pending, and every one of the k closest non-failed candidates responded
/// ```
///
/// "Of the `k` nodes the initiator has heard of closest to the target, it picks `α` that it
/// has not yet queried … The lookup terminates when the initiator has queried and gotten
/// responses from the `k` closest nodes it has seen." Each returned record must lie at one of
/// the distances asked (``FindNodeDistances``); others are dropped and counted, so the caller
/// can penalise the peer. Timeouts are the caller's: it reports them with
/// ``handleFailure(from:)``.
public struct Lookup: Sendable {
    /// A FINDNODE to send.
    public struct Query: Sendable, Equatable {
        /// The node to ask.
        public let record: ENR
        /// The log-distances to ask for.
        public let distances: [UInt16]

        /// The identifier of the node to ask.
        public var nodeID: NodeID { record.nodeID }
    }

    /// What ``handleResponse(from:records:)`` did.
    public enum ResponseResult: Sendable, Equatable {
        /// The peer had no query of ours outstanding (or already answered): nothing changed.
        case ignored
        /// The response was taken. `rejectedRecords` counts records at distances we did not
        /// ask for, a reason to penalise the peer.
        case processed(newCandidates: Int, rejectedRecords: Int)
    }

    private enum CandidateState: Sendable {
        case notQueried
        case pending(distances: [UInt16])
        case responded
        case failed(distances: [UInt16])
    }

    private struct Candidate: Sendable {
        var record: ENR
        let distance: NodeID
        var state: CandidateState
    }

    /// The identifier being looked up.
    public let target: NodeID
    /// Our own identifier; records of it are never candidates.
    public let localNodeID: NodeID
    /// Parallelism and result size.
    public let configuration: LookupConfiguration

    private var candidates: [NodeID: Candidate] = [:]
    /// Candidate identifiers, nearest to the target first.
    private var ordered: [NodeID] = []

    /// The number of queries sent and not yet answered or failed.
    public private(set) var pendingCount = 0
    /// The number of queries handed out so far.
    public private(set) var queriedCount = 0

    /// Starts a lookup.
    /// - Parameters:
    ///   - target: the identifier to find the closest nodes to.
    ///   - localNodeID: our own identifier, excluded from the candidates.
    ///   - seeds: records to start from, usually the routing table's closest live nodes.
    ///   - configuration: parallelism and result size.
    public init(target: NodeID, localNodeID: NodeID, seeds: [ENR], configuration: LookupConfiguration = .init()) {
        self.target = target
        self.localNodeID = localNodeID
        self.configuration = configuration
        for seed in seeds {
            _ = addCandidate(seed)
        }
        trimCandidates()
    }

    /// Whether the lookup is over: no query pending and each of the `k` closest candidates
    /// that did not fail has responded. A lookup without candidates is over at once.
    public var isFinished: Bool {
        guard pendingCount == 0 else { return false }
        var considered = 0
        for id in ordered where considered < configuration.resultSize {
            switch candidates[id]?.state {
            case .notQueried: return false
            case .responded, .pending: considered += 1
            case .failed, nil: continue
            }
        }
        return true
    }

    /// The `k` closest nodes that answered, nearest first. Meaningful once ``isFinished``;
    /// before that, the best found so far.
    public var result: [ENR] {
        var records: [ENR] = []
        for id in ordered where records.count < configuration.resultSize {
            guard let candidate = candidates[id] else { continue }
            switch candidate.state {
            case .responded: records.append(candidate.record)
            case .notQueried, .pending, .failed: continue
            }
        }
        return records
    }

    /// The next FINDNODE queries to send: the closest unqueried among the `k` closest
    /// non-failed candidates, until `α` are in flight. Returns nothing while `α` are pending
    /// or when no candidate is left to ask.
    /// - Returns: the queries, nearest first; each is pending until answered or failed.
    public mutating func nextQueries() -> [Query] {
        var queries: [Query] = []
        var considered = 0
        for id in ordered where considered < configuration.resultSize && pendingCount < configuration.parallelism {
            guard var candidate = candidates[id] else { continue }
            switch candidate.state {
            case .failed:
                continue
            case .pending, .responded:
                considered += 1
            case .notQueried:
                considered += 1
                let distances = FindNodeDistances.forLookup(target: target, peer: id)
                candidate.state = .pending(distances: distances)
                candidates[id] = candidate
                pendingCount += 1
                queriedCount += 1
                queries.append(Query(record: candidate.record, distances: distances))
            }
        }
        return queries
    }

    /// Takes a peer's NODES records (all packets of the response, e.g. from
    /// ``NodesResponseCollector``). A late answer from a peer that was marked failed still
    /// counts.
    /// - Parameters:
    ///   - peer: the node that answered.
    ///   - records: the records it returned (signatures already verified by ``ENR``).
    /// - Returns: `.ignored` when no query to the peer was outstanding, otherwise how many new
    ///   candidates it brought and how many records were at distances we did not ask for.
    @discardableResult
    public mutating func handleResponse(from peer: NodeID, records: [ENR]) -> ResponseResult {
        guard var candidate = candidates[peer] else { return .ignored }
        let distances: [UInt16]
        switch candidate.state {
        case .pending(let asked):
            distances = asked
            pendingCount -= 1
        case .failed(let asked):
            distances = asked
        case .notQueried, .responded:
            return .ignored
        }
        candidate.state = .responded
        candidates[peer] = candidate

        var added = 0
        var rejected = 0
        for record in records {
            guard FindNodeDistances.record(record, matches: distances, from: peer) else {
                rejected += 1
                continue
            }
            if addCandidate(record) { added += 1 }
        }
        trimCandidates()
        return .processed(newCandidates: added, rejectedRecords: rejected)
    }

    /// Notes that a query failed (timeout, no session, an error response). The peer leaves
    /// consideration, so the next-closest candidate moves into the `k` closest.
    /// - Parameters:
    ///   - peer: the node whose query failed.
    /// - Returns: `false` when no query to the peer was outstanding.
    @discardableResult
    public mutating func handleFailure(from peer: NodeID) -> Bool {
        guard var candidate = candidates[peer] else { return false }
        switch candidate.state {
        case .pending(let distances):
            candidate.state = .failed(distances: distances)
            candidates[peer] = candidate
            pendingCount -= 1
            return true
        case .notQueried, .responded, .failed:
            return false
        }
    }

    /// Adds a record as a candidate, or refreshes an unqueried candidate's record when the new
    /// one has a higher `seq`.
    /// - Returns: whether the record was a new candidate.
    private mutating func addCandidate(_ record: ENR) -> Bool {
        let id = record.nodeID
        guard id != localNodeID else { return false }
        if var existing = candidates[id] {
            if case .notQueried = existing.state, record.seq > existing.record.seq {
                existing.record = record
                candidates[id] = existing
            }
            return false
        }
        let distance = target.distance(to: id)
        candidates[id] = Candidate(record: record, distance: distance, state: .notQueried)
        ordered.insert(id, at: insertionIndex(for: distance))
        return true
    }

    /// Binary search for the first candidate farther than `distance`.
    private func insertionIndex(for distance: NodeID) -> Int {
        var low = 0
        var high = ordered.count
        while low < high {
            let middle = (low + high) / 2
            if let other = candidates[ordered[middle]], other.distance < distance {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }

    /// Forgets the farthest never-queried candidates beyond the configured maximum.
    private mutating func trimCandidates() {
        var index = ordered.count - 1
        while ordered.count > configuration.maximumCandidates && index >= 0 {
            let id = ordered[index]
            if case .notQueried = candidates[id]?.state {
                ordered.remove(at: index)
                candidates[id] = nil
            }
            index -= 1
        }
    }
}
