// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The counters as the event loop last published them, readable from any thread.
///
/// The event loop counts in a plain struct (no atomic per datagram) and stores a copy here once per
/// callback, under a `Mutex` that is never contended for long.
final class StatisticsStore: Sendable {
    private let state = Mutex<(statistics: DatagramTransportStatistics, isClosed: Bool)>((.init(), false))

    /// The latest snapshot.
    var statistics: DatagramTransportStatistics {
        self.state.withLock { $0.statistics }
    }

    /// Whether the transport is closed.
    var isClosed: Bool {
        self.state.withLock { $0.isClosed }
    }

    /// Publishes a snapshot.
    func publish(_ statistics: DatagramTransportStatistics) {
        self.state.withLock { $0.statistics = statistics }
    }

    /// Marks the transport closed; returns whether it was open.
    func markClosed() -> Bool {
        self.state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
    }
}
