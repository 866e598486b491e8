// SPDX-License-Identifier: Apache-2.0

import ENR

/// Learns our external endpoint from the `recipient-ip`/`recipient-port` that peers echo in
/// PONG (discv5-theory.md, "Maintaining The Local Record": "the mirrored UDP envelope IP and
/// port found in the PONG message can be used to determine the external IP address").
///
/// Rules:
/// - IPv4 and IPv6 votes go to separate pools and elect separate endpoints.
/// - Each voter (by node identifier) counts once per pool: its latest vote replaces the
///   earlier one.
/// - A vote expires after ``Configuration-swift.struct/voteLifetime`` (5 min), so a changed
///   address wins quickly and stale opinions fade.
/// - An endpoint wins when it has at least ``Configuration-swift.struct/minimumVotes`` (10)
///   votes **and** more than half of the pool's unexpired votes: a clear majority, so a split
///   pool (e.g. a symmetric NAT giving every peer a different port) changes nothing.
/// - A family whose address the user set explicitly never changes.
/// - Each pool keeps at most ``Configuration-swift.struct/maximumVotersPerFamily`` voters,
///   dropping the oldest vote, so memory stays bounded.
public struct EndpointVoting: Sendable {
    /// Agreeing votes needed before our endpoint changes (as sigp/discv5's default
    /// `enr_peer_update_min`).
    public static let defaultMinimumVotes = 10

    /// How long a vote counts.
    public static let defaultVoteLifetime: Duration = .seconds(300)

    /// Voters remembered per address family.
    public static let defaultMaximumVotersPerFamily = 200

    /// The voting rules.
    public struct Configuration: Sendable, Equatable {
        /// Agreeing votes needed for a change.
        public var minimumVotes: Int
        /// How long a vote counts.
        public var voteLifetime: Duration
        /// Voters remembered per address family.
        public var maximumVotersPerFamily: Int
        /// The user set the IPv4 endpoint explicitly: never elect one.
        public var ipv4IsFixed: Bool
        /// The user set the IPv6 endpoint explicitly: never elect one.
        public var ipv6IsFixed: Bool

        /// Creates the rules.
        /// - Parameters:
        ///   - minimumVotes: agreeing votes needed for a change.
        ///   - voteLifetime: how long a vote counts.
        ///   - maximumVotersPerFamily: voters remembered per family.
        ///   - ipv4IsFixed: whether the IPv4 endpoint was set by the user.
        ///   - ipv6IsFixed: whether the IPv6 endpoint was set by the user.
        public init(
            minimumVotes: Int = EndpointVoting.defaultMinimumVotes,
            voteLifetime: Duration = EndpointVoting.defaultVoteLifetime,
            maximumVotersPerFamily: Int = EndpointVoting.defaultMaximumVotersPerFamily,
            ipv4IsFixed: Bool = false,
            ipv6IsFixed: Bool = false
        ) {
            self.minimumVotes = minimumVotes
            self.voteLifetime = voteLifetime
            self.maximumVotersPerFamily = maximumVotersPerFamily
            self.ipv4IsFixed = ipv4IsFixed
            self.ipv6IsFixed = ipv6IsFixed
        }
    }

    /// One family's votes.
    private struct Pool: Sendable {
        var votes: [NodeID: (endpoint: NodeEndpoint, at: Discv5Instant)] = [:]

        mutating func dropVotes(castBefore cutoff: Discv5Instant) {
            votes = votes.filter { $0.value.at >= cutoff }
        }

        /// The endpoint with the most votes, its vote count, and the pool size.
        func leader() -> (endpoint: NodeEndpoint, votes: Int, total: Int)? {
            var tally: [NodeEndpoint: Int] = [:]
            for vote in votes.values { tally[vote.endpoint, default: 0] += 1 }
            // Ties are broken by the textual form so the outcome never depends on hash order.
            let best = tally.max { lhs, rhs in
                lhs.value != rhs.value ? lhs.value < rhs.value : lhs.key.description > rhs.key.description
            }
            return best.map { ($0.key, $0.value, votes.count) }
        }
    }

    /// The rules in force.
    public let configuration: Configuration
    /// Our current IPv4 endpoint, elected or given at start.
    public private(set) var currentIPv4: NodeEndpoint?
    /// Our current IPv6 endpoint, elected or given at start.
    public private(set) var currentIPv6: NodeEndpoint?

    private var ipv4 = Pool()
    private var ipv6 = Pool()

    /// Starts counting.
    /// - Parameters:
    ///   - configuration: the voting rules.
    ///   - currentIPv4: the IPv4 endpoint our record holds now, if any.
    ///   - currentIPv6: the IPv6 endpoint our record holds now, if any.
    public init(
        configuration: Configuration = .init(),
        currentIPv4: NodeEndpoint? = nil,
        currentIPv6: NodeEndpoint? = nil
    ) {
        self.configuration = configuration
        self.currentIPv4 = currentIPv4
        self.currentIPv6 = currentIPv6
    }

    /// Records the endpoint a peer saw us at (a PONG's `recipient-ip` and `recipient-port`).
    /// - Parameters:
    ///   - voter: the peer that sent the PONG.
    ///   - endpoint: where it says our packet came from.
    ///   - now: the current time.
    /// - Returns: the newly elected endpoint when this vote changed our endpoint for its
    ///   family (update the record and bump `seq`), otherwise `nil`.
    public mutating func recordVote(from voter: NodeID, endpoint: NodeEndpoint, now: Discv5Instant) -> NodeEndpoint? {
        let isIPv4 = endpoint.ip.isIPv4
        guard !(isIPv4 ? configuration.ipv4IsFixed : configuration.ipv6IsFixed) else { return nil }
        var pool = isIPv4 ? ipv4 : ipv6
        pool.dropVotes(castBefore: now - configuration.voteLifetime)
        if pool.votes[voter] == nil && pool.votes.count >= configuration.maximumVotersPerFamily {
            let oldest = pool.votes.min { lhs, rhs in
                lhs.value.at != rhs.value.at ? lhs.value.at < rhs.value.at : lhs.key < rhs.key
            }
            if let oldest { pool.votes[oldest.key] = nil }
        }
        if configuration.maximumVotersPerFamily > 0 {
            pool.votes[voter] = (endpoint, now)
        }
        let elected = Self.winner(of: pool, minimumVotes: configuration.minimumVotes)
        if isIPv4 { ipv4 = pool } else { ipv6 = pool }

        guard let elected, elected != (isIPv4 ? currentIPv4 : currentIPv6) else { return nil }
        if isIPv4 { currentIPv4 = elected } else { currentIPv6 = elected }
        return elected
    }

    /// The endpoint the unexpired votes of one family elect right now, whether or not it
    /// differs from the current one.
    /// - Parameters:
    ///   - ipv4: which family.
    ///   - now: the current time.
    /// - Returns: the winner, or `nil` without a clear majority of at least the minimum votes.
    public func electedEndpoint(ipv4: Bool, now: Discv5Instant) -> NodeEndpoint? {
        var pool = ipv4 ? self.ipv4 : self.ipv6
        pool.dropVotes(castBefore: now - configuration.voteLifetime)
        return Self.winner(of: pool, minimumVotes: configuration.minimumVotes)
    }

    /// The number of voters remembered for one family (expired ones included until the next
    /// vote of that family).
    /// - Parameters:
    ///   - ipv4: which family.
    /// - Returns: the pool's size.
    public func voterCount(ipv4: Bool) -> Int {
        (ipv4 ? self.ipv4 : self.ipv6).votes.count
    }

    private static func winner(of pool: Pool, minimumVotes: Int) -> NodeEndpoint? {
        guard let leader = pool.leader(), leader.votes >= minimumVotes, leader.votes * 2 > leader.total else {
            return nil
        }
        return leader.endpoint
    }
}
