// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Logging
import Metrics

/// Publishes the engine's counters to swift-metrics.
///
/// Lives on the event loop. The engine counts in plain integers; after each read batch and
/// timer the reporter adds what changed since the last report to the swift-metrics counters, so
/// the per-datagram path touches no metrics backend. Drops are logged here at `debug`, one line
/// per batch with the reasons.
final class MetricsReporter {
    private let received: Counter
    private let sent: Counter
    private let drops: [(KeyPath<Discv5Metrics, UInt64>, String, Counter)]
    private let undecryptable: Counter
    private let sessionsEstablished: Counter
    private let handshakesFailed: Counter
    private let talkRequests: Counter
    private let tableSize: Gauge
    private let logger: Logger
    private var last = Discv5Metrics()
    private var lastSent: UInt64 = 0
    private var lastTalk: UInt64 = 0

    init(logger: Logger) {
        self.logger = logger
        received = Counter(label: "discv5_packets_received_total")
        sent = Counter(label: "discv5_packets_sent_total")
        let reasons: [(KeyPath<Discv5Metrics, UInt64>, String)] = [
            (\.decodeFailed, "decode_failed"),
            (\.rateLimited, "rate_limited"),
            (\.unsolicitedWhoAreYou, "unsolicited_whoareyou"),
            (\.unexpectedHandshake, "unexpected_handshake"),
            (\.handshakeFailed, "handshake_failed"),
            (\.messageDecodeFailed, "message_decode_failed"),
            (\.unsolicitedResponse, "unsolicited_response"),
            (\.replayed, "replayed"),
        ]
        drops = reasons.map { path, reason in
            (path, reason, Counter(label: "discv5_packets_dropped_total", dimensions: [("reason", reason)]))
        }
        undecryptable = Counter(label: "discv5_packets_undecryptable_total")
        sessionsEstablished = Counter(label: "discv5_sessions_established_total")
        handshakesFailed = Counter(label: "discv5_handshakes_failed_total")
        talkRequests = Counter(label: "discv5_talk_requests_total")
        tableSize = Gauge(label: "discv5_table_nodes")
    }

    /// Adds what changed since the last report.
    func report(_ metrics: Discv5Metrics, sent sentNow: UInt64, talkRequests talkNow: UInt64) {
        guard metrics != last || sentNow != lastSent || talkNow != lastTalk else { return }
        Self.add(metrics.datagramsReceived, last.datagramsReceived, to: received)
        Self.add(sentNow, lastSent, to: sent)
        Self.add(talkNow, lastTalk, to: talkRequests)
        Self.add(metrics.undecryptable, last.undecryptable, to: undecryptable)
        Self.add(metrics.sessionsEstablished, last.sessionsEstablished, to: sessionsEstablished)
        Self.add(metrics.handshakeFailed, last.handshakeFailed, to: handshakesFailed)
        if metrics.dropped != last.dropped {
            var reasons: Logger.Metadata = [:]
            for (path, reason, counter) in drops where metrics[keyPath: path] != last[keyPath: path] {
                let delta = metrics[keyPath: path] &- last[keyPath: path]
                counter.increment(by: Int(truncatingIfNeeded: delta))
                reasons[reason] = "\(delta)"
            }
            logger.debug("dropped datagrams", metadata: reasons)
        }
        last = metrics
        lastSent = sentNow
        lastTalk = talkNow
    }

    /// Records the routing table's size.
    func reportTableSize(_ size: Int) {
        tableSize.record(size)
    }

    private static func add(_ now: UInt64, _ before: UInt64, to counter: Counter) {
        if now > before { counter.increment(by: Int(truncatingIfNeeded: now - before)) }
    }
}

@available(*, unavailable)
extension MetricsReporter: Sendable {}
