// SPDX-License-Identifier: Apache-2.0

extension Discv5Engine {
    /// The sizes of the engine's bounded stores, for a shell's health checks and tests (a flood
    /// must never grow them past their caps).
    public struct Bookkeeping: Sendable, Hashable {
        /// Sessions held (cap: ``Discv5Configuration/sessionCapacity``).
        public var sessions: Int
        /// Live WHOAREYOU challenges (cap: ``Discv5Configuration/challengeCapacity``).
        public var challenges: Int
        /// Requests in flight or queued behind handshakes.
        public var pendingRequests: Int
        /// Handshakes we started that have not completed.
        public var outgoingHandshakes: Int
        /// Requests of ours the engine tracks (user operations, lookups, liveness checks).
        public var trackedRequests: Int
        /// Lookups running.
        public var lookups: Int
    }

    /// The sizes of the engine's bounded stores now.
    public var bookkeeping: Bookkeeping {
        Bookkeeping(
            sessions: machine.sessions.count,
            challenges: machine.challenges.count,
            pendingRequests: machine.tracker.count,
            outgoingHandshakes: machine.outgoingHandshakes.count,
            trackedRequests: requests.count,
            lookups: lookups.count
        )
    }
}
