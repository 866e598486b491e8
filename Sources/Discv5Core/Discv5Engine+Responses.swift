// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Engine {
    /// Drains the protocol machine and runs the table upkeep that is due, until neither has
    /// more to do. Called at the end of every input.
    func pump(now: Discv5Instant) {
        // Each pass either handles machine actions or starts liveness checks (bounded by the
        // concurrency cap), so this ends; the bound only guards against a logic slip.
        for _ in 0..<64 {
            drainMachine(now: now)
            guard startDueLivenessChecks(now: now) else { break }
        }
    }

    private func drainMachine(now: Discv5Instant) {
        while let action = machine.nextAction() {
            switch action {
            case .send(let bytes, let endpoint):
                emit(.send(bytes, to: endpoint))
            case .response(let handle, let response):
                guard let request = requests.removeValue(forKey: handle) else { continue }
                handleResponse(response, to: request, now: now)
            case .requestFailed(let handle, let error):
                guard let request = requests.removeValue(forKey: handle) else {
                    // Only no-response sends are untracked; their failures have no one to tell.
                    engineMetrics.noResponseSendsFailed &+= 1
                    continue
                }
                handleFailure(error, of: request, now: now)
            case .incomingTalkRequest(let request):
                store.table.markSeen(request.nodeID, now: now)
                emit(.incomingTalkRequest(request))
            case .event(
                .sessionEstablished(let nodeID, let endpoint, let record, let tableEligible, let initiatedLocally)
            ):
                emit(.event(.sessionEstablished(nodeID, endpoint)))
                // A node that reached us first enters only with a record that names the endpoint
                // it writes from, and only once our own queries stocked the table (the table
                // enforces the latter for `.inbound`).
                if !initiatedLocally, tableEligible, let record, record.nodeID == nodeID {
                    offerToTable(record, endpoint: endpoint, origin: .inbound, now: now)
                }
            }
        }
    }

    private func handleResponse(_ response: Response, to request: TrackedRequest, now: Discv5Instant) {
        if case .liveness = request.purpose { livenessInFlight -= 1 }
        // Any answer at the table's endpoint proves the node alive.
        if let entry = store.table.entry(for: request.nodeID), entry.endpoint == request.endpoint {
            store.table.markSeen(request.nodeID, now: now)
            applyLivenessResult(request.nodeID, alive: true, now: now)
        }
        switch response {
        case .pong(let enrSeq, let recipient):
            handlePong(enrSeq: enrSeq, recipient: recipient, from: request, now: now)
        case .nodes(let records):
            for record in records where record.nodeID != localNodeID {
                // Distance 0 is the peer's own record, seen at the endpoint we asked.
                let endpoint = record.nodeID == request.nodeID ? request.endpoint : nil
                offerToTable(record, endpoint: endpoint, origin: .discovered, now: now)
            }
        case .talk:
            break
        }
        switch request.purpose {
        case .user(let id):
            switch response {
            case .pong(let enrSeq, let recipient): emit(.completed(id, .pong(enrSeq: enrSeq, recipient: recipient)))
            case .nodes(let records): emit(.completed(id, .nodes(records)))
            case .talk(let bytes): emit(.completed(id, .talk(bytes)))
            }
        case .lookup(let id):
            if case .nodes(let records) = response {
                lookups[id]?.lookup.handleResponse(from: request.nodeID, records: records)
            } else {
                lookups[id]?.lookup.handleFailure(from: request.nodeID)
            }
            advanceLookup(id, now: now)
        case .recordFetch:
            recordFetches.remove(request.nodeID)
        case .liveness:
            break
        }
    }

    private func handleFailure(_ error: Discv5CoreError, of request: TrackedRequest, now: Discv5Instant) {
        if error.code == .timeout, request.retries < configuration.timeoutRetries {
            switch request.purpose {
            case .liveness, .lookup, .recordFetch:
                // Our own requests get another chance before a timeout counts: when two nodes
                // handshake with each other at the same moment, each ends up with the session
                // the other replaced, and the answer in flight is lost once. The re-sent
                // request fails to decrypt, draws a WHOAREYOU, and a fresh handshake settles it.
                engineMetrics.requestsRetried &+= 1
                // After a random pause, so two nodes whose requests crossed do not cross again.
                let span = Discv5Instant.zero.advanced(by: configuration.timeoutRetryJitter).nanoseconds
                let pause = random.next(upperBound: span &+ 1)
                var retry = request
                retry.retries += 1
                scheduledRetries.append((now.advanced(by: .nanoseconds(Int64(pause))), retry))
                return
            case .user:
                break
            }
        }
        if case .liveness = request.purpose { livenessInFlight -= 1 }
        // A peer that leaves a request unanswered at the table's endpoint fails its liveness.
        if error.code == .timeout, let entry = store.table.entry(for: request.nodeID),
            entry.endpoint == request.endpoint
        {
            applyLivenessResult(request.nodeID, alive: false, now: now)
        }
        switch request.purpose {
        case .user(let id):
            emit(.completed(id, .failed(error)))
        case .lookup(let id):
            lookups[id]?.lookup.handleFailure(from: request.nodeID)
            advanceLookup(id, now: now)
        case .recordFetch:
            recordFetches.remove(request.nodeID)
        case .liveness:
            // A check that could not even be sent (no record, queue full) is handed out again by
            // the table after its check timeout.
            break
        }
    }

    /// Sends the re-tries whose pause is over.
    func sendDueRetries(now: Discv5Instant) {
        guard scheduledRetries.contains(where: { $0.due <= now }) else { return }
        let due = scheduledRetries.filter { $0.due <= now }
        scheduledRetries.removeAll { $0.due <= now }
        for (_, request) in due {
            let contact =
                request.record.map { NodeContact(record: $0, endpoint: request.endpoint) }
                ?? NodeContact(nodeID: request.nodeID, endpoint: request.endpoint)
            send(request.request, to: contact, purpose: request.purpose, retries: request.retries, now: now)
        }
    }

    /// A PONG votes for our endpoint, and announces the peer's record `seq`.
    private func handlePong(enrSeq: UInt64, recipient: NodeEndpoint, from request: TrackedRequest, now: Discv5Instant) {
        if let elected = voting.recordVote(from: request.nodeID, endpoint: recipient, now: now) {
            updateLocalEndpoint(elected)
        }
        // "If the enr-seq is higher than the one we hold, request the record" (discv5-wire.md,
        // PONG): FINDNODE distance 0 returns it.
        let held = store.table.entry(for: request.nodeID)?.record ?? request.record
        if let held, enrSeq > held.seq, !recordFetches.contains(request.nodeID) {
            recordFetches.insert(request.nodeID)
            engineMetrics.recordFetches &+= 1
            let contact = NodeContact(record: held, endpoint: request.endpoint)
            send(.findNode(distances: [0]), to: contact, purpose: .recordFetch, now: now)
        }
    }

    /// Writes a newly elected (or user-set) endpoint into our record, `seq + 1`.
    func updateLocalEndpoint(_ endpoint: NodeEndpoint) {
        let current = machine.localRecord
        let advertised = endpoint.ip.isIPv4 ? current.udpEndpoint : current.udp6Endpoint
        if let advertised, advertised.ip == endpoint.ip, advertised.port == endpoint.port { return }
        guard
            let updated = try? current.updated(
                signingWith: privateKey,
                { $0.setUDPEndpoint(endpoint.ip, port: endpoint.port) }
            )
        else { return }
        machine.updateLocalRecord(updated)
        engineMetrics.localRecordUpdates &+= 1
        emit(.event(.localRecordChanged(updated)))
    }
}
