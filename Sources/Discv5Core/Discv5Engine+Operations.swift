// SPDX-License-Identifier: Apache-2.0

import ENR

extension Discv5Engine {
    /// Sends PING; completes with ``OperationResult/pong(enrSeq:recipient:)``.
    ///
    /// The answer also counts as a passed liveness check when the node is in the table at this
    /// endpoint, and as a vote for our external endpoint.
    ///
    /// - Parameters:
    ///   - contact: The node; a handshake needs its record or public key.
    ///   - now: The current time.
    /// - Returns: The operation's id.
    @discardableResult
    public func ping(_ contact: NodeContact, now: Discv5Instant) -> OperationID {
        startUserRequest(.ping, to: contact, now: now)
    }

    /// Sends FINDNODE; completes with ``OperationResult/nodes(_:)``. The records learned are
    /// offered to the routing table.
    ///
    /// - Parameters:
    ///   - contact: The node; a handshake needs its record or public key.
    ///   - distances: The log-distances to ask for (0 is the node's own record).
    ///   - now: The current time.
    /// - Returns: The operation's id.
    @discardableResult
    public func findNode(_ contact: NodeContact, distances: [UInt16], now: Discv5Instant) -> OperationID {
        startUserRequest(.findNode(distances: distances), to: contact, now: now)
    }

    /// Sends TALKREQ and waits for TALKRESP; completes with ``OperationResult/talk(_:)``.
    ///
    /// - Parameters:
    ///   - contact: The node; a handshake needs its record or public key.
    ///   - protocol: The sub-protocol's id bytes.
    ///   - payload: The request bytes.
    ///   - now: The current time.
    /// - Returns: The operation's id.
    @discardableResult
    public func talk(_ contact: NodeContact, protocol: [UInt8], payload: [UInt8], now: Discv5Instant) -> OperationID {
        startUserRequest(.talk(protocol: `protocol`, payload: payload), to: contact, now: now)
    }

    /// Sends TALKREQ expecting no answer (uTP over TALKREQ).
    ///
    /// It still triggers a handshake when no session exists, but never times the peer out,
    /// never reports a completion, and never touches the routing table.
    ///
    /// - Parameters:
    ///   - contact: The node; a handshake needs its record or public key.
    ///   - protocol: The sub-protocol's id bytes.
    ///   - payload: The request bytes.
    ///   - now: The current time.
    public func sendTalkWithoutResponse(
        _ contact: NodeContact,
        protocol: [UInt8],
        payload: [UInt8],
        now: Discv5Instant
    ) {
        machine.sendRequest(.talk(protocol: `protocol`, payload: payload), to: contact, mode: .noResponse, now: now)
        pump(now: now)
    }

    /// Starts a lookup for the `k` nodes closest to `target`; completes with
    /// ``OperationResult/lookup(_:)``, or at once with ``Discv5CoreError/Code/limitReached``
    /// when ``Discv5EngineConfiguration/maximumConcurrentLookups`` user lookups are running.
    ///
    /// Seeds are the table's closest live nodes (unverified ones, then bootnodes, while none
    /// is live). Everything learned is offered to the routing table. The lookup completes
    /// within ``Discv5EngineConfiguration/lookupTimeout`` (10 s): once the `k` closest nodes it
    /// heard of answered, or at that deadline with the closest nodes that answered by then.
    ///
    /// - Parameters:
    ///   - target: The id to find the closest nodes to.
    ///   - now: The current time.
    /// - Returns: The operation's id.
    @discardableResult
    public func lookup(target: NodeID, now: Discv5Instant) -> OperationID {
        let running = lookups.values.reduce(0) { count, run in
            if case .user = run.origin { return count + 1 }
            return count
        }
        guard running < configuration.maximumConcurrentLookups else {
            let id = makeOperationID()
            engineMetrics.lookupsRefused &+= 1
            emit(.completed(id, .failed(.lookupLimitReached(configuration.maximumConcurrentLookups))))
            return id
        }
        let id = startLookup(target: target, origin: .user, now: now)
        pump(now: now)
        return id
    }

    /// Answers a TALKREQ delivered as ``Action/incomingTalkRequest(_:)``.
    ///
    /// - Parameters:
    ///   - token: The request's ``IncomingTalkRequest/token``.
    ///   - response: The answer bytes (empty for an unknown protocol); must fit one packet.
    ///   - now: The current time.
    /// - Returns: Whether the answer was queued for sending.
    @discardableResult
    public func respondToTalkRequest(
        _ token: IncomingTalkRequest.Token,
        response: [UInt8],
        now: Discv5Instant
    ) -> Bool {
        let sent = machine.respondToTalkRequest(token, response: response, now: now)
        pump(now: now)
        return sent
    }

    /// Adds bootstrap nodes: each enters the table as unverified (and is pinged by the liveness
    /// checks at once), and a lookup for our own id starts to stock the table.
    ///
    /// - Parameters:
    ///   - records: The bootnodes' records.
    ///   - now: The current time.
    public func addBootnodes(_ records: [ENR], now: Discv5Instant) {
        for record in records where record.nodeID != localNodeID {
            bootnodes.removeAll { $0.nodeID == record.nodeID }
            bootnodes.append(record)
            offerToTable(record, endpoint: nil, origin: .discovered, now: now)
        }
        if !records.isEmpty {
            startLookup(target: localNodeID, origin: .bootstrap, now: now)
        }
        pump(now: now)
    }

    /// Sets our endpoint for one address family explicitly: the record is re-signed with it
    /// (`seq + 1`) when it differs, and voting never changes that family again.
    ///
    /// - Parameters:
    ///   - endpoint: Our external endpoint.
    ///   - now: The current time.
    public func setFixedEndpoint(_ endpoint: NodeEndpoint, now: Discv5Instant) {
        var rules = voting.configuration
        if endpoint.ip.isIPv4 { rules.ipv4IsFixed = true } else { rules.ipv6IsFixed = true }
        voting = EndpointVoting(
            configuration: rules,
            currentIPv4: endpoint.ip.isIPv4 ? endpoint : voting.currentIPv4,
            currentIPv6: endpoint.ip.isIPv4 ? voting.currentIPv6 : endpoint
        )
        updateLocalEndpoint(endpoint)
        pump(now: now)
    }

    /// Changes our record (for example a TCP port or a sub-protocol's key): the edits are applied,
    /// `seq` goes up by one, the record is re-signed and announced as
    /// ``Event/localRecordChanged(_:)``. Peers learn the new `seq` from our PINGs and PONGs and
    /// fetch the record.
    ///
    /// - Parameters:
    ///   - now: The current time.
    ///   - changes: Edits to the record's pairs.
    /// - Throws: `ENRError` when the record would exceed 300 bytes or `seq` would overflow; the
    ///   record is then unchanged.
    public func updateLocalRecord(now: Discv5Instant, _ changes: (inout ENRBuilder) -> Void) throws {
        let updated = try machine.localRecord.updated(signingWith: privateKey, changes)
        machine.updateLocalRecord(updated)
        emit(.event(.localRecordChanged(updated)))
        pump(now: now)
    }

    // MARK: - Internals

    func startUserRequest(_ request: OutgoingRequest, to contact: NodeContact, now: Discv5Instant) -> OperationID {
        let id = makeOperationID()
        send(request, to: contact, purpose: .user(id), now: now)
        pump(now: now)
        return id
    }

    /// Sends a request in request/response mode and remembers why.
    func send(
        _ request: OutgoingRequest,
        to contact: NodeContact,
        purpose: TrackedRequest.Purpose,
        retries: Int = 0,
        now: Discv5Instant
    ) {
        let handle = machine.sendRequest(request, to: contact, mode: .expectResponse, now: now)
        requests[handle] = TrackedRequest(
            purpose: purpose,
            request: request,
            retries: retries,
            nodeID: contact.nodeID,
            endpoint: contact.endpoint,
            record: contact.record ?? store.table.entry(for: contact.nodeID)?.record
        )
    }
}
