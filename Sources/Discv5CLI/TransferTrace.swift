// SPDX-License-Identifier: Apache-2.0

import Foundation
import UTP

/// Samples a uTP stream's statistics every 50 ms into a CSV file, for a later benchmark:
/// `seconds,bytes,cwnd,rtt_ms,rto_ms,bytes_in_flight,retransmissions,timeouts`.
struct TransferTrace {
    /// The CSV header line.
    static let header = "seconds,bytes,cwnd,rtt_ms,rto_ms,bytes_in_flight,retransmissions,timeouts\n"

    let path: String

    /// Creates (or truncates) the file and writes the header.
    ///
    /// - Throws: ``CLIError`` `badInput` when the file cannot be created.
    func create() throws(CLIError) {
        guard FileManager.default.createFile(atPath: self.path, contents: Data(Self.header.utf8)) else {
            throw .badInput("--trace: cannot create \(self.path)")
        }
    }

    /// Appends one row every 50 ms until cancelled, and a final row.
    func record(stream: UTPStream, progress: TransferProgress) async {
        guard let file = FileHandle(forWritingAtPath: self.path) else { return }
        defer { try? file.close() }
        _ = try? file.seekToEnd()
        while !Task.isCancelled {
            Self.appendRow(file, stream: stream, progress: progress)
            try? await Task.sleep(for: .milliseconds(50))
        }
        Self.appendRow(file, stream: stream, progress: progress)
    }

    private static func appendRow(_ file: FileHandle, stream: UTPStream, progress: TransferProgress) {
        let statistics = stream.statistics
        let rtt = statistics.smoothedRTT.map { formatDecimal($0.seconds * 1000, digits: 3) } ?? ""
        let fields = [
            formatDecimal(progress.elapsedSeconds, digits: 3), "\(progress.snapshot.bytes)",
            "\(statistics.congestionWindow)", rtt,
            formatDecimal(statistics.retransmissionTimeout.seconds * 1000, digits: 3),
            "\(statistics.bytesInFlight)", "\(statistics.retransmissions)", "\(statistics.timeouts)",
        ]
        try? file.write(contentsOf: Data((fields.joined(separator: ",") + "\n").utf8))
    }
}
