// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import Logging
import Synchronization
import UTP

/// The thread-safe half of the uTP service, shared by ``UTPService`` values, expectations and the event
/// loop's ``UTPTalkHost``: the admission bookkeeping (limits, ids), the way onto the loop, counters, and the
/// expectations not yet resolved (failed at shutdown even if their registration never reached the loop).
final class UTPServiceCore: Sendable {
    /// Weak reference to an unresolved expectation.
    private struct Tracked {
        weak var expectation: UTPExpectation?
    }

    private struct Registry: ~Copyable {
        var expectations: [ObjectIdentifier: Tracked] = [:]
        var isClosed = false
    }

    let configuration: UTPServiceConfiguration
    let hop: LoopHop
    let logger: Logger
    let driver: UTPNodeDriver
    private let admission: Mutex<UTPAdmission>
    private let registry = Mutex(Registry())
    /// How the node picks a record's endpoint: set once the socket is bound.
    private let endpointRule = Mutex<(@Sendable (ENR) throws -> NodeContact)?>(nil)
    private let servesSucceeded = Atomic<UInt64>(0)
    private let servesFailed = Atomic<UInt64>(0)

    init(configuration: UTPServiceConfiguration, hop: LoopHop, logger: Logger) {
        self.configuration = configuration
        self.hop = hop
        self.logger = logger
        self.driver = UTPNodeDriver(hop: hop)
        self.admission = Mutex(
            UTPAdmission(
                maximumConnections: configuration.maximumConnections,
                maximumConnectionsPerPeer: configuration.maximumConnectionsPerPeer
            )
        )
    }

    // MARK: - Contacts

    func setEndpointRule(_ rule: @escaping @Sendable (ENR) throws -> NodeContact) {
        self.endpointRule.withLock { $0 = rule }
    }

    func contact(for record: ENR) throws -> NodeContact {
        guard let rule = self.endpointRule.withLock({ $0 }) else {
            throw UTPError.closed("the node is not running")
        }
        return try rule(record)
    }

    // MARK: - Admission

    var activeConnectionCount: Int { self.admission.withLock { $0.total } }

    func canAccept(from peer: UTPPeer) -> Bool {
        !self.isClosed && self.admission.withLock { $0.canAccept(from: peer) }
    }

    func reserveInitiator(_ peer: UTPPeer, connectionID: UInt16) throws(UTPError) {
        try self.checkOpen()
        try self.admission.withLock { (admission) throws(UTPError) in
            try admission.reserveInitiator(peer, connectionID: connectionID)
        }
    }

    func reserveListener(_ peer: UTPPeer) throws(UTPError) -> UInt16 {
        try self.checkOpen()
        return try self.admission.withLock { (admission) throws(UTPError) -> UInt16 in
            var random = SystemRandomNumberGenerator()
            return try admission.reserveListener(peer, using: &random)
        }
    }

    /// A connection closed and lingers: its receive id stays reserved but no longer counts toward the limits.
    func markLingering(_ peer: UTPPeer, receiveID: UInt16) {
        self.admission.withLock { $0.markLingering(peer, receiveID: receiveID) }
    }

    /// Frees a receive id; returns whether the peer has none left.
    @discardableResult
    func release(_ peer: UTPPeer, receiveID: UInt16) -> Bool {
        self.admission.withLock { $0.release(peer, receiveID: receiveID) }
    }

    // MARK: - Expectations

    var isClosed: Bool { self.registry.withLock { $0.isClosed } }

    private func checkOpen() throws(UTPError) {
        if self.isClosed { throw UTPError.closed("the node is shut down") }
    }

    /// Tracks an expectation until it resolves; `false` once the service closed.
    func track(_ expectation: UTPExpectation) -> Bool {
        self.registry.withLock { registry in
            guard !registry.isClosed else { return false }
            registry.expectations[ObjectIdentifier(expectation)] = Tracked(expectation: expectation)
            return true
        }
    }

    func untrack(_ expectation: UTPExpectation) {
        _ = self.registry.withLock { $0.expectations.removeValue(forKey: ObjectIdentifier(expectation)) }
    }

    /// Refuses new work and fails every unresolved expectation with ``UTPError`` `closed`.
    func close() {
        let open = self.registry.withLock { registry in
            registry.isClosed = true
            defer { registry.expectations = [:] }
            return registry.expectations.values.compactMap(\.expectation)
        }
        for expectation in open { expectation.fail(UTPError.closed("the node shut down")) }
    }

    // MARK: - Counters

    func countServe(succeeded: Bool) {
        if succeeded {
            self.servesSucceeded.add(1, ordering: .relaxed)
        } else {
            self.servesFailed.add(1, ordering: .relaxed)
        }
    }

    var serveCounts: (succeeded: UInt64, failed: UInt64) {
        (self.servesSucceeded.load(ordering: .relaxed), self.servesFailed.load(ordering: .relaxed))
    }
}
