// SPDX-License-Identifier: Apache-2.0

/// Settings of a ``Lookup``.
public struct LookupConfiguration: Sendable, Equatable {
    /// Kademlia's `α`: "`α` is an implementation-defined concurrency parameter, typically `3`"
    /// (discv5-theory.md, "Recursive Lookup").
    public static let defaultParallelism = 3

    /// Kademlia's `k`: a lookup "locates the `k` closest nodes to a node ID", k = 16.
    public static let defaultResultSize = 16

    /// Candidates remembered per lookup; the farthest never-queried ones are forgotten beyond
    /// it, so hostile responses cannot grow a lookup without bound.
    public static let defaultMaximumCandidates = 256

    /// Queries in flight at once.
    public var parallelism: Int
    /// How many closest nodes the lookup finds (and must all have queried before it ends).
    public var resultSize: Int
    /// Candidates remembered at most.
    public var maximumCandidates: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - parallelism: queries in flight at once (`α`).
    ///   - resultSize: the number of closest nodes to find (`k`).
    ///   - maximumCandidates: candidates remembered at most.
    public init(
        parallelism: Int = defaultParallelism,
        resultSize: Int = defaultResultSize,
        maximumCandidates: Int = defaultMaximumCandidates
    ) {
        self.parallelism = parallelism
        self.resultSize = resultSize
        self.maximumCandidates = maximumCandidates
    }
}
