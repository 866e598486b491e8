// SPDX-License-Identifier: Apache-2.0

/// Settings of a ``RoutingTable``, with the defaults of discv5-theory.md and of the reference
/// implementations.
public struct RoutingTableConfiguration: Sendable, Equatable {
    /// Kademlia's `k`: "The Node Discovery Protocol uses k = 16, i.e. every k-bucket contains
    /// up to 16 node entries" (discv5-theory.md, "Node Table").
    public static let defaultBucketSize = 16

    /// Candidates kept per bucket while the bucket is full (geth and sigp/discv5 both keep 10).
    public static let defaultReplacementCacheSize = 10

    /// At most this many nodes of one subnet in one bucket (geth `bucketIPLimit`).
    public static let defaultMaximumNodesPerSubnetInBucket = 2

    /// At most this many nodes of one subnet in the whole table (geth `tableIPLimit`).
    public static let defaultMaximumNodesPerSubnetInTable = 10

    /// IPv4 addresses group into /24 subnets for the IP limits.
    public static let defaultIPv4SubnetPrefixLength = 24

    /// IPv6 addresses group into /64 subnets for the IP limits (one customer's allocation).
    public static let defaultIPv6SubnetPrefixLength = 64

    /// How long a verified node stays trusted before it is pinged again (sigp/discv5's
    /// `ping_interval` is 300 s).
    public static let defaultLivenessCheckInterval: Duration = .seconds(300)

    /// How long a liveness check may stay unanswered before the table offers the node again.
    /// The caller normally reports the outcome far sooner (a request times out after 1 s per
    /// leg); this only recovers from a check the caller lost.
    public static let defaultLivenessCheckTimeout: Duration = .seconds(10)

    /// Inbound nodes are admitted once this many nodes learned from our own queries passed a
    /// liveness check.
    public static let defaultInboundAdmissionThreshold = 10

    /// Kademlia's `k`, the number of entries per bucket.
    public var bucketSize: Int
    /// Candidates kept per bucket while the bucket is full; the most recent ones win.
    public var replacementCacheSize: Int
    /// Whether the per-subnet limits below apply at all (turn off for closed test networks).
    public var enforcesIPLimits: Bool
    /// Addresses that are loopback, private (RFC 1918, fc00::/7) or link-local are exempt from
    /// the IP limits, so a local test network of many nodes on one host still works.
    public var exemptsLocalAddresses: Bool
    /// At most this many entries of one subnet in one bucket.
    public var maximumNodesPerSubnetInBucket: Int
    /// At most this many entries of one subnet in the whole table.
    public var maximumNodesPerSubnetInTable: Int
    /// The IPv4 prefix length that defines a subnet for the limits.
    public var ipv4SubnetPrefixLength: Int
    /// The IPv6 prefix length that defines a subnet for the limits.
    public var ipv6SubnetPrefixLength: Int
    /// How long after a passed check a node is due for the next one.
    public var livenessCheckInterval: Duration
    /// How long a handed-out liveness check may stay unanswered before it is handed out again.
    public var livenessCheckTimeout: Duration
    /// Inbound nodes (those that contacted us first) are admitted only once at least this many
    /// nodes that we found through our own queries are live. Until then the table is filled
    /// only by nodes we chose to ask, so a peer that reaches a fresh node first cannot fill its
    /// table with nodes of its choosing (eclipse). `0` admits inbound nodes from the start.
    public var inboundAdmissionThreshold: Int
    /// When deriving the endpoint from a record that has both families, take the IPv6 one.
    public var prefersIPv6: Bool

    /// Creates a configuration; every parameter defaults to the documented constant.
    /// - Parameters:
    ///   - bucketSize: Kademlia's `k`.
    ///   - replacementCacheSize: candidates kept per full bucket.
    ///   - enforcesIPLimits: whether the subnet limits apply.
    ///   - exemptsLocalAddresses: whether local addresses skip the subnet limits.
    ///   - maximumNodesPerSubnetInBucket: per-bucket subnet limit.
    ///   - maximumNodesPerSubnetInTable: per-table subnet limit.
    ///   - ipv4SubnetPrefixLength: IPv4 subnet prefix length.
    ///   - ipv6SubnetPrefixLength: IPv6 subnet prefix length.
    ///   - livenessCheckInterval: time between checks of a live node.
    ///   - livenessCheckTimeout: time after which an unanswered check is handed out again.
    ///   - inboundAdmissionThreshold: live self-discovered nodes needed before inbound ones enter.
    ///   - prefersIPv6: prefer a record's IPv6 endpoint.
    public init(
        bucketSize: Int = defaultBucketSize,
        replacementCacheSize: Int = defaultReplacementCacheSize,
        enforcesIPLimits: Bool = true,
        exemptsLocalAddresses: Bool = true,
        maximumNodesPerSubnetInBucket: Int = defaultMaximumNodesPerSubnetInBucket,
        maximumNodesPerSubnetInTable: Int = defaultMaximumNodesPerSubnetInTable,
        ipv4SubnetPrefixLength: Int = defaultIPv4SubnetPrefixLength,
        ipv6SubnetPrefixLength: Int = defaultIPv6SubnetPrefixLength,
        livenessCheckInterval: Duration = defaultLivenessCheckInterval,
        livenessCheckTimeout: Duration = defaultLivenessCheckTimeout,
        inboundAdmissionThreshold: Int = defaultInboundAdmissionThreshold,
        prefersIPv6: Bool = false
    ) {
        self.bucketSize = bucketSize
        self.replacementCacheSize = replacementCacheSize
        self.enforcesIPLimits = enforcesIPLimits
        self.exemptsLocalAddresses = exemptsLocalAddresses
        self.maximumNodesPerSubnetInBucket = maximumNodesPerSubnetInBucket
        self.maximumNodesPerSubnetInTable = maximumNodesPerSubnetInTable
        self.ipv4SubnetPrefixLength = ipv4SubnetPrefixLength
        self.ipv6SubnetPrefixLength = ipv6SubnetPrefixLength
        self.livenessCheckInterval = livenessCheckInterval
        self.livenessCheckTimeout = livenessCheckTimeout
        self.inboundAdmissionThreshold = inboundAdmissionThreshold
        self.prefersIPv6 = prefersIPv6
    }
}
