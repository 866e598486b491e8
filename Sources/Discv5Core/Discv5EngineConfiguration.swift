// SPDX-License-Identifier: Apache-2.0

/// The settings of a ``Discv5Engine``: those of its parts plus the engine's own timers, with the
/// defaults of the project's design table ("Discovery v5 rules and defaults").
public struct Discv5EngineConfiguration: Sendable {
    /// The FINDNODE answer cap the engine asks of its protocol machine: `k` records for each of
    /// up to three asked distances. A lookup asks `[d, d+1, d−1]`; serving each bucket whole
    /// (rather than 16 records in total) lets lookups find exactly the closest nodes. 48 records
    /// split into at most about 8 NODES packets, well under the 16-packet limit.
    public static let defaultMaximumNodesPerResponse = 48

    /// How often a lookup for a random target refreshes the table. Default 30 s (sigp/discv5
    /// refreshes every 30 s as well; geth every 30 min when the table is healthy). A lookup
    /// inserts what it learns, so this is also how far-away buckets fill.
    public static let defaultRefreshInterval: Duration = .seconds(30)

    /// Liveness checks (PINGs handed out by the table) in flight at once. Default 8.
    public static let defaultMaximumConcurrentLivenessChecks = 8

    /// Below this many live entries, the periodic refresh looks up our own id instead of a
    /// random target (discv5-theory.md: a self-lookup fills the buckets nearest to us). Default 16.
    public static let defaultSelfLookupThreshold = 16

    /// Times the engine re-sends its own timed-out requests (lookup queries, liveness PINGs,
    /// record fetches) before the timeout counts against the peer. Default 1: when two nodes
    /// start a handshake with each other at the same moment, each keeps the session the other
    /// replaced and one answer in flight is lost; the re-sent request settles it with a fresh
    /// handshake. Without it a quiet, healthy network evicts live nodes.
    public static let defaultTimeoutRetries = 1

    /// The longest random pause before a timed-out request is re-sent. Default 500 ms.
    public static let defaultTimeoutRetryJitter: Duration = .milliseconds(500)

    /// User lookups running at once. Default 16: a lookup keeps α = 3 queries in flight and up
    /// to ``LookupConfiguration/maximumCandidates`` candidates, so 16 bound what a caller (or a
    /// remote that makes an application start lookups on its behalf) can have us send and hold,
    /// while leaving room for an application's parallel work. A lookup beyond it completes at
    /// once with ``Discv5CoreError/Code/limitReached``. Refresh and bootstrap lookups, which
    /// the engine starts itself at most one per interval, are not counted.
    public static let defaultMaximumConcurrentLookups = 16

    /// The longest a lookup runs. Default 10 s. A lookup ends once the `k` closest nodes it has
    /// heard of answered; each unresponsive candidate costs a request timeout (and one re-try)
    /// before the next one is asked, so without a cap a lookup whose candidates are mostly
    /// gone (records of nodes that left, still served by tables until their next liveness
    /// check) would run for minutes. At the deadline it ends with the closest nodes that have
    /// answered so far; on a healthy network it converges in a few round trips, far sooner.
    public static let defaultLookupTimeout: Duration = .seconds(10)
    /// The protocol machine's settings. The default differs from ``Discv5Configuration``'s in
    /// one place: ``Discv5Configuration/maximumNodesPerResponse`` is
    /// ``defaultMaximumNodesPerResponse`` (48), so FINDNODE is answered with up to `k` records
    /// per asked distance.
    public var protocolConfiguration: Discv5Configuration
    /// The routing table's limits and liveness timers (the liveness interval of a live node is
    /// ``RoutingTableConfiguration/livenessCheckInterval``, default 5 min).
    public var table: RoutingTableConfiguration
    /// Lookup parallelism (`α` = 3) and result size (`k` = 16).
    public var lookup: LookupConfiguration
    /// Endpoint voting from PONG `recipient` fields (≥ 10 agreeing votes, a clear majority),
    /// including whether the IPv4 or IPv6 endpoint was fixed by the user.
    public var endpointVoting: EndpointVoting.Configuration
    /// Time between refresh lookups. See ``defaultRefreshInterval``.
    public var refreshInterval: Duration
    /// Liveness checks in flight at once. See ``defaultMaximumConcurrentLivenessChecks``.
    public var maximumConcurrentLivenessChecks: Int
    /// Live entries below which refresh looks up our own id. See ``defaultSelfLookupThreshold``.
    public var selfLookupThreshold: Int
    /// User lookups running at once. See ``defaultMaximumConcurrentLookups``.
    public var maximumConcurrentLookups: Int
    /// The longest a lookup (user, bootstrap or refresh) runs; it then ends with the closest
    /// nodes that answered. See ``defaultLookupTimeout``.
    public var lookupTimeout: Duration
    /// Re-sends of the engine's own timed-out requests. See ``defaultTimeoutRetries``.
    public var timeoutRetries: Int
    /// The longest random pause before a re-send. See ``defaultTimeoutRetryJitter``.
    public var timeoutRetryJitter: Duration

    /// Creates a configuration; every parameter defaults to the documented value.
    ///
    /// - Parameters:
    ///   - protocolConfiguration: The protocol machine's settings; `nil` takes
    ///     `Discv5Configuration()` with `maximumNodesPerResponse` = 48.
    ///   - table: The routing table's settings.
    ///   - lookup: The lookup settings.
    ///   - endpointVoting: Endpoint voting rules and the fixed-address flags.
    ///   - refreshInterval: Time between refresh lookups.
    ///   - maximumConcurrentLivenessChecks: Liveness PINGs in flight at once.
    ///   - selfLookupThreshold: Live entries below which refresh looks up our own id.
    ///   - maximumConcurrentLookups: User lookups running at once.
    ///   - lookupTimeout: The longest a lookup runs.
    ///   - timeoutRetries: Re-sends of the engine's own timed-out requests.
    ///   - timeoutRetryJitter: The longest random pause before a re-send.
    public init(
        protocolConfiguration: Discv5Configuration? = nil,
        table: RoutingTableConfiguration = RoutingTableConfiguration(),
        lookup: LookupConfiguration = LookupConfiguration(),
        endpointVoting: EndpointVoting.Configuration = EndpointVoting.Configuration(),
        refreshInterval: Duration = defaultRefreshInterval,
        maximumConcurrentLivenessChecks: Int = defaultMaximumConcurrentLivenessChecks,
        selfLookupThreshold: Int = defaultSelfLookupThreshold,
        maximumConcurrentLookups: Int = defaultMaximumConcurrentLookups,
        lookupTimeout: Duration = defaultLookupTimeout,
        timeoutRetries: Int = defaultTimeoutRetries,
        timeoutRetryJitter: Duration = defaultTimeoutRetryJitter
    ) {
        var machine = protocolConfiguration ?? Discv5Configuration()
        if protocolConfiguration == nil {
            machine.maximumNodesPerResponse = Self.defaultMaximumNodesPerResponse
        }
        self.protocolConfiguration = machine
        self.table = table
        self.lookup = lookup
        self.endpointVoting = endpointVoting
        self.refreshInterval = refreshInterval
        self.maximumConcurrentLivenessChecks = maximumConcurrentLivenessChecks
        self.selfLookupThreshold = selfLookupThreshold
        self.maximumConcurrentLookups = maximumConcurrentLookups
        self.lookupTimeout = lookupTimeout
        self.timeoutRetries = timeoutRetries
        self.timeoutRetryJitter = timeoutRetryJitter
    }

    /// The settings of a bootnode: a node others start from and that has no bootnode of its
    /// own. It admits nodes that contact it from the start
    /// (``RoutingTableConfiguration/inboundAdmissionThreshold`` 0): with the default threshold its
    /// table, filled only by its own queries, would stay empty, and it would have nothing to serve.
    public static var bootnode: Self {
        var configuration = Self()
        configuration.table.inboundAdmissionThreshold = 0
        return configuration
    }

    /// Whether the IPv4 endpoint was set by the user: voting never changes it.
    public var isIPv4EndpointFixed: Bool {
        get { endpointVoting.ipv4IsFixed }
        set { endpointVoting.ipv4IsFixed = newValue }
    }

    /// Whether the IPv6 endpoint was set by the user: voting never changes it.
    public var isIPv6EndpointFixed: Bool {
        get { endpointVoting.ipv6IsFixed }
        set { endpointVoting.ipv6IsFixed = newValue }
    }
}
