// SPDX-License-Identifier: Apache-2.0

import Discv5
import ENR
import TalkGetData

/// `discv5 get --parallel N`: the same value fetched N times at once from one peer, each copy hashed
/// and checked, for load and concurrency measurements.
enum ParallelFetch {
    /// What N concurrent fetches achieved.
    struct Outcome: Sendable {
        var transfers: Int
        var completed = 0
        var failed = 0
        /// Bytes of the completed transfers.
        var bytes: UInt64 = 0
        var seconds: Double = 0
        /// The distinct SHA-256 digests of the completed copies (one when they all agree).
        var digests: Set<String> = []
        /// The first failure, for the summary line.
        var firstError: String?
        /// uTP packets the client received (DATA, FIN) and sent (mostly STATE: its ACKs), each one
        /// TALKREQ, over the whole run.
        var utpPacketsReceived: UInt64 = 0
        var utpPacketsSent: UInt64 = 0
        /// UDP datagrams the client received and sent (TALKREQs, their TALKRESPs, handshakes).
        var datagramsReceived: UInt64 = 0
        var datagramsSent: UInt64 = 0

        var mebibytesPerSecond: Double { self.seconds > 0 ? Double(self.bytes) / self.seconds / 1_048_576 : 0 }

        var json: [String: Any?] {
            [
                "transfers": self.transfers,
                "completed": self.completed,
                "failed": self.failed,
                "bytes": self.bytes,
                "seconds": self.seconds,
                "mib_per_s": self.mebibytesPerSecond,
                "sha256": self.digests.count == 1 ? self.digests.first : nil,
                "error": self.firstError,
                "utp_packets_received": self.utpPacketsReceived,
                "utp_packets_sent": self.utpPacketsSent,
                "datagrams_received": self.datagramsReceived,
                "datagrams_sent": self.datagramsSent,
            ]
        }

        var summary: String {
            var line =
                "\(self.completed)/\(self.transfers) transfers, \(formatBytes(self.bytes)) in "
                + "\(formatDecimal(self.seconds, digits: 2)) s (\(formatDecimal(self.mebibytesPerSecond, digits: 1)) MiB/s)"
            if self.failed > 0 { line += ", \(self.failed) failed" }
            if let firstError { line += ", first error: \(firstError)" }
            return line
        }
    }

    /// One copy's result: its byte count and digest, or why it failed.
    private enum Copy: Sendable {
        case completed(bytes: UInt64, sha256: String)
        case failed(String)
    }

    /// Fetches `key` `count` times concurrently. The client's per-peer limit queues the surplus; every
    /// copy is streamed through SHA-256 and discarded. A copy whose digest differs from `expectedSHA256`
    /// (when given) counts as failed.
    static func run(
        client: GetDataClient,
        key: [UInt8],
        name: String,
        from peer: ENR,
        count: Int,
        expectedSHA256: String?,
        timeout: Duration
    ) async -> Outcome {
        var outcome = Outcome(transfers: count)
        let clock = ContinuousClock()
        let start = clock.now
        await withTaskGroup(of: Copy.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await Self.fetchOne(client: client, key: key, name: name, from: peer, timeout: timeout)
                }
            }
            for await copy in group {
                switch copy {
                case .completed(let bytes, let sha256):
                    if let expectedSHA256, sha256 != expectedSHA256 {
                        outcome.failed += 1
                        outcome.firstError = outcome.firstError ?? "a copy's SHA-256 differs from --sha256"
                    } else {
                        outcome.completed += 1
                        outcome.bytes += bytes
                        outcome.digests.insert(sha256)
                    }
                case .failed(let reason):
                    outcome.failed += 1
                    outcome.firstError = outcome.firstError ?? reason
                }
            }
        }
        let elapsed = clock.now - start
        outcome.seconds = elapsed.seconds
        return outcome
    }

    private static func fetchOne(
        client: GetDataClient,
        key: [UInt8],
        name: String,
        from peer: ENR,
        timeout: Duration
    ) async -> Copy {
        do {
            return try await withThrowingTaskGroup(of: Copy?.self) { group in
                group.addTask {
                    let transfer = try await client.getStream(key: key, from: peer)
                    let hasher = StreamingSHA256()
                    var received: UInt64 = 0
                    for try await chunk in transfer {
                        hasher.update(chunk)
                        received += UInt64(chunk.count)
                    }
                    return .completed(bytes: received, sha256: hasher.finalizeHex())
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let copy = first else {
                    throw Fetch.TimedOut(limit: timeout)
                }
                return copy
            }
        } catch {
            return .failed(Fetch.cliError(error, name: name).message)
        }
    }
}
