// SPDX-License-Identifier: Apache-2.0

import UTP

/// What a completed `getdata` fetch measured.
struct FetchResult: Sendable {
    /// The value's size.
    let bytes: UInt64
    /// From the request to the last byte.
    let seconds: Double
    /// SHA-256 of the value, lower-case hex.
    let sha256: String
    /// The uTP stream's final counters, or `nil` for an inline value.
    let statistics: UTPStatistics?

    /// Megabytes (10^6) per second.
    var megabytesPerSecond: Double { self.seconds > 0 ? Double(self.bytes) / self.seconds / 1e6 : 0 }

    /// The smoothed RTT in milliseconds, when measured.
    var rttMilliseconds: Double? { self.statistics?.smoothedRTT.map { $0.seconds * 1000 } }

    /// The `--json` object.
    var json: [String: Any?] {
        [
            "bytes": self.bytes,
            "seconds": self.seconds,
            "sha256": self.sha256,
            "mb_per_s": self.megabytesPerSecond,
            "transport": self.statistics == nil ? "inline" : "utp",
            "rtt_ms": self.rttMilliseconds,
            "retransmissions": self.statistics?.retransmissions,
            "packets_received": self.statistics?.packetsReceived,
            "packets_sent": self.statistics?.packetsSent,
        ]
    }

    /// One line for people.
    var summary: String {
        var line =
            "\(formatBytes(self.bytes)) in \(formatDecimal(self.seconds, digits: 2)) s "
            + "(\(formatDecimal(self.megabytesPerSecond, digits: 1)) MB/s)"
        if let statistics {
            let rtt = self.rttMilliseconds.map { formatDecimal($0, digits: 2) + " ms" } ?? "n/a"
            line += ", RTT \(rtt), retransmissions \(statistics.retransmissions)"
        } else {
            line += ", inline"
        }
        return line + ", sha256 \(self.sha256)"
    }
}
