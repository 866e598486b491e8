// SPDX-License-Identifier: Apache-2.0

/// Counters of what ``Discv5Engine`` did on its own (table upkeep, lookups, voting), next to the
/// protocol machine's datagram counters in ``Discv5Metrics``.
public struct Discv5EngineMetrics: Sendable, Hashable {
    /// Lookups started (by the user, by bootstrapping and by refresh).
    public var lookupsStarted: UInt64 = 0
    /// Lookups finished (those cut off by ``Discv5EngineConfiguration/lookupTimeout`` included).
    public var lookupsCompleted: UInt64 = 0
    /// Lookups ended by ``Discv5EngineConfiguration/lookupTimeout`` before they converged,
    /// with the closest nodes that had answered by then.
    public var lookupsTimedOut: UInt64 = 0
    /// User lookups refused because ``Discv5EngineConfiguration/maximumConcurrentLookups`` were
    /// running.
    public var lookupsRefused: UInt64 = 0
    /// FINDNODE queries sent by lookups.
    public var lookupQueries: UInt64 = 0
    /// Refresh lookups started by the timer.
    public var refreshes: UInt64 = 0
    /// Liveness PINGs sent.
    public var livenessChecks: UInt64 = 0
    /// Nodes evicted after a failed liveness check or a timed-out request.
    public var nodesEvicted: UInt64 = 0
    /// Nodes admitted into a bucket (including promoted replacements).
    public var nodesAdded: UInt64 = 0
    /// Nodes that contacted us and were turned away because the table was not yet stocked.
    public var inboundRejectedBeforeStocked: UInt64 = 0
    /// FINDNODE distance 0 requests sent because a PONG announced a newer record.
    public var recordFetches: UInt64 = 0
    /// Times our record was re-signed for a newly voted endpoint.
    public var localRecordUpdates: UInt64 = 0
    /// Requests of the engine's own (lookup queries, liveness checks, record fetches) re-sent
    /// after a timeout.
    public var requestsRetried: UInt64 = 0
    /// No-response sends (uTP) that failed before leaving (no record to handshake with, queue
    /// full); they are not reported otherwise.
    public var noResponseSendsFailed: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}
