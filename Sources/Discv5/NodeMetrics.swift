// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Discv5Core

/// A snapshot of a node's counters and bookkeeping sizes, from ``Node/metricsSnapshot()``.
public struct NodeMetrics: Sendable, Hashable {
    /// The protocol machine's datagram counters (received, dropped by reason, sessions).
    public var protocolMetrics = Discv5Metrics()
    /// The engine's own counters (lookups, liveness checks, table changes).
    public var engineMetrics = Discv5EngineMetrics()
    /// The UDP transport's counters (datagrams in and out, truncated, send errors).
    public var transport = DatagramTransportStatistics()
    /// Datagrams the engine asked to send.
    public var datagramsSent: UInt64 = 0
    /// TALKREQs received.
    public var talkRequests: UInt64 = 0
    /// TALKREQs for a protocol with no handler (answered empty).
    public var talkUnknownProtocol: UInt64 = 0
    /// TALK handlers that threw (answered empty).
    public var talkHandlerFailed: UInt64 = 0
    /// TALK handlers that missed their deadline (answered empty).
    public var talkDeadlineExceeded: UInt64 = 0
    /// TALKREQs that arrived while the handler cap was reached (answered empty).
    public var talkOverCapacity: UInt64 = 0
    /// TALK answers too large for one packet (answered empty).
    public var talkResponseTooLarge: UInt64 = 0
    /// TALK handlers running now.
    public var talkHandlersRunning = 0
    /// Entries in the routing table's buckets.
    public var tableSize = 0
    /// Entries that passed a liveness check.
    public var liveTableSize = 0
    /// Operations (ping, findnode, talk, lookup) whose callers wait.
    public var pendingOperations = 0
    /// Lookups running (user, bootstrap and refresh).
    public var activeLookups = 0
    /// Sessions held (capped by the engine's session capacity, 1024 by default).
    public var sessionCount = 0
    /// Live WHOAREYOU challenges (capped by the engine's challenge capacity, 1024 by default).
    public var challengeCount = 0
    /// Requests in flight or queued behind handshakes in the protocol machine.
    public var pendingRequestCount = 0
    /// Handshakes we started that have not completed.
    public var outgoingHandshakeCount = 0
    /// uTP connections plus pending expectations in the multiplexer.
    public var utpConnections = 0
    /// `utp` TALKREQs received (each one uTP packet).
    public var utpPacketsReceived: UInt64 = 0
    /// Of those, packets that reached no connection (malformed, or refused by the firewall).
    public var utpPacketsRefused: UInt64 = 0
    /// uTP packets sent (each as a no-response TALKREQ).
    public var utpPacketsSent: UInt64 = 0
    /// ``UTPService/serve(_:to:)-(Array<UInt8>,_)`` transfers that completed.
    public var utpServesSucceeded: UInt64 = 0
    /// Serve transfers that failed (no SYN in time, reset, timeout, source error).
    public var utpServesFailed: UInt64 = 0

    /// Creates zeroed metrics.
    public init() {}
}
