// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Core
import ENR

extension Node {
    /// Sends PING and waits for PONG (handshaking first when there is no session).
    ///
    /// - Parameters:
    ///   - enr: The peer's record.
    /// - Returns: The peer's `seq`, where it saw us, and the round-trip time.
    /// - Throws: ``Discv5Error`` (`timeout`, `handshakeFailed`, `noEndpoint`, `nodeShutDown`),
    ///   or `CancellationError`.
    public func ping(_ enr: ENR) async throws -> PongResult {
        let started = ContinuousClock.now
        let result = try await perform(.ping(try contact(for: enr)))
        guard case .pong(let enrSeq, let recipient) = result else { throw unexpected(result) }
        return PongResult(
            enrSeq: enrSeq,
            recipientIP: recipient.ip,
            recipientPort: recipient.port,
            rtt: started.duration(to: .now)
        )
    }

    /// Sends FINDNODE and collects the NODES answer(s).
    ///
    /// - Parameters:
    ///   - enr: The peer's record.
    ///   - distances: Log-distances from the peer, 0...256 (0 is the peer's own record).
    /// - Returns: Every verified record at the asked distances.
    /// - Throws: ``Discv5Error`` (`invalidArgument` for a distance out of range, `timeout`, …).
    public func findNode(_ enr: ENR, distances: [Int]) async throws -> [ENR] {
        guard !distances.isEmpty, distances.allSatisfy({ (0...256).contains($0) }) else {
            throw Discv5Error.invalidArgument("distances must be 0...256, at least one")
        }
        let result = try await perform(.findNode(try contact(for: enr), distances: distances.map { UInt16($0) }))
        guard case .nodes(let records) = result else { throw unexpected(result) }
        return records
    }

    /// Sends TALKREQ and waits for TALKRESP.
    ///
    /// - Parameters:
    ///   - protocol: The sub-protocol's id bytes.
    ///   - payload: The request bytes (must fit one packet with the header, about 1 KiB).
    ///   - enr: The peer's record.
    /// - Returns: The answer bytes; empty when the peer has no handler for the protocol.
    /// - Throws: ``Discv5Error`` (`timeout`, `invalidArgument` for a payload too large, …).
    public func talk(protocol: [UInt8], payload: [UInt8], to enr: ENR) async throws -> [UInt8] {
        try Self.checkTalkSize(protocol: `protocol`, payload: payload)
        let result = try await perform(.talk(try contact(for: enr), protocolID: `protocol`, payload: payload))
        guard case .talk(let response) = result else { throw unexpected(result) }
        return response
    }

    /// Sends TALKREQ expecting no answer (uTP over TALKREQ). It still handshakes when no
    /// session exists, but never times the peer out and never touches the routing table.
    ///
    /// - Parameters:
    ///   - protocol: The sub-protocol's id bytes.
    ///   - payload: The request bytes.
    ///   - enr: The peer's record.
    /// - Throws: ``Discv5Error`` `noEndpoint` or `nodeShutDown`.
    public func sendTalkWithoutResponse(protocol: [UInt8], payload: [UInt8], to enr: ENR) throws {
        try Self.checkTalkSize(protocol: `protocol`, payload: payload)
        let contact = try contact(for: enr)
        do {
            try transport.execute { engine, sink in
                engine.sendTalkWithoutResponse(contact, protocolID: `protocol`, payload: payload, sink: &sink)
            }
        } catch {
            throw Discv5Error.nodeShutDown()
        }
    }

    /// Looks up the nodes closest to `target` (iteratively, α = 3, through the table's nodes or
    /// the bootnodes). It returns within ``Discv5EngineConfiguration/lookupTimeout`` (10 s by
    /// default): a lookup still waiting on unresponsive nodes then ends with the closest nodes
    /// that answered so far.
    ///
    /// - Parameters:
    ///   - target: The id to find the closest nodes to.
    /// - Returns: Up to `k` (16) nodes that answered, nearest first.
    /// - Throws: ``Discv5Error`` `nodeShutDown`, `overloaded` when
    ///   ``Discv5EngineConfiguration/maximumConcurrentLookups`` lookups are running, or
    ///   `CancellationError`.
    public func lookup(target: NodeID) async throws -> [ENR] {
        let result = try await perform(.lookup(target))
        guard case .lookup(let records) = result else { throw unexpected(result) }
        return records
    }

    /// The records in the routing table.
    ///
    /// - Parameters:
    ///   - onlyLive: List only nodes that passed a liveness check.
    /// - Returns: The records, nearest bucket first; none once the node is shut down.
    public func tableRecords(onlyLive: Bool = true) async -> [ENR] {
        (try? await transport.submit { engine, _ in engine.tableRecords(onlyLive: onlyLive) }) ?? []
    }

    /// The node's counters and bookkeeping sizes now.
    ///
    /// - Returns: The snapshot (transport counters only, once the node is shut down).
    public func metricsSnapshot() async -> NodeMetrics {
        var metrics = (try? await transport.submit { engine, _ in engine.snapshot() }) ?? NodeMetrics()
        metrics.transport = transport.statistics
        metrics.pendingOperations = pending.count
        (metrics.utpServesSucceeded, metrics.utpServesFailed) = utpCore.serveCounts
        return metrics
    }

    /// Registers a TALK sub-protocol.
    ///
    /// - Parameters:
    ///   - handler: The handler; its ``TalkProtocolHandler/protocolID`` must be free.
    /// - Throws: ``Discv5Error`` `alreadyRegistered`.
    public func register(_ handler: any TalkProtocolHandler) throws {
        try router.register(handler)
    }

    /// Registers a synchronous TALK handler that runs on the event loop (built-in fast paths
    /// such as `utp`; it must not block).
    ///
    /// - Parameters:
    ///   - protocolID: The protocol id bytes.
    ///   - handler: The handler.
    /// - Throws: ``Discv5Error`` `alreadyRegistered`.
    public func registerInline(protocolID: [UInt8], _ handler: @escaping InlineTalkHandler) throws {
        try router.registerInline(protocolID: protocolID, handler)
    }

    /// Removes a TALK sub-protocol; its requests are answered empty from now on.
    ///
    /// - Parameters:
    ///   - protocolID: The protocol id bytes.
    /// - Returns: Whether a handler was removed.
    @discardableResult
    public func unregister(protocolID: [UInt8]) -> Bool {
        router.unregister(protocolID: protocolID)
    }

    /// The most bytes of protocol id plus payload a TALKREQ can carry in one 1280-byte packet
    /// under an existing session: 1280 minus the masking IV (16), static header (23), source id
    /// (32), GCM tag (16), message type (1), RLP list header (3), an 8-byte request id (9) and
    /// the two byte-string headers (1 + 3). A request that must ride in a handshake packet has
    /// less room (the handshake adds at least 99 bytes, more with our record); the protocol
    /// core reports that case when it happens.
    public static let maximumTalkRequestSize = 1176

    // MARK: - Internals

    static func checkTalkSize(protocol: [UInt8], payload: [UInt8]) throws {
        guard !`protocol`.isEmpty, `protocol`.count <= 55 else {
            throw Discv5Error.invalidArgument("a TALK protocol id must be 1...55 bytes")
        }
        guard `protocol`.count + payload.count <= maximumTalkRequestSize else {
            throw Discv5Error.invalidArgument(
                "TALKREQ of \(`protocol`.count + payload.count) bytes does not fit one packet (at most \(maximumTalkRequestSize)); send large data over uTP"
            )
        }
    }

    /// Where to reach a record's node: its IPv4 endpoint, unless we only have IPv6.
    func contact(for enr: ENR) throws -> NodeContact {
        try Self.contact(for: enr, prefersIPv6: prefersIPv6, isSingleFamily: transport.localEndpoints.count == 1)
    }

    /// The contact for a record: its endpoint of the family we can reach.
    static func contact(for enr: ENR, prefersIPv6: Bool, isSingleFamily: Bool) throws -> NodeContact {
        let endpoint = prefersIPv6 ? NodeEndpoint(record: enr, preferIPv6: true) : NodeEndpoint(record: enr)
        guard let endpoint, endpoint.port != 0, endpoint.ip.isIPv6 == prefersIPv6 || !isSingleFamily else {
            throw Discv5Error.noEndpoint()
        }
        return NodeContact(record: enr, endpoint: endpoint)
    }

    /// Starts an operation on the loop (one hop) and waits for its completion.
    func perform(_ operation: NodeEngine.Operation) async throws -> Discv5Engine.OperationResult {
        let pending = self.pending
        let transport = self.transport
        let ticket = pending.makeTicket()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard pending.install(ticket, continuation) else { return }
                do {
                    try transport.execute { engine, sink in engine.start(operation, ticket: ticket, sink: &sink) }
                } catch {
                    pending.resume(ticket, with: .failure(Discv5Error.nodeShutDown()))
                }
            }
        } onCancel: {
            pending.cancel(ticket)
        }
    }

    private func unexpected(_ result: Discv5Engine.OperationResult) -> Discv5Error {
        Discv5Error(.handshakeFailed, "unexpected result \(result)")
    }
}
