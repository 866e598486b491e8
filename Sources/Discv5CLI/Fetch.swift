// SPDX-License-Identifier: Apache-2.0

import Discv5
import ENR
import TalkGetData
import UTP

/// One `getdata` fetch with the CLI's extras: overall timeout, progress bar, trace, SHA-256.
enum Fetch {
    /// The overall timeout ran out.
    struct TimedOut: Error {
        let limit: Duration
    }

    /// Fetches `key` from `peer` into `sink`.
    ///
    /// - Returns: The size, time, digest and stream statistics.
    /// - Throws: Whatever the transfer throws, or ``TimedOut``.
    static func run(
        client: GetDataClient,
        key: [UInt8],
        from peer: ENR,
        timeout: Duration,
        showProgress: Bool,
        trace: TransferTrace?,
        sink: OutputSink
    ) async throws -> FetchResult {
        let progress = TransferProgress()
        return try await withThrowingTaskGroup(of: FetchResult?.self) { group in
            group.addTask {
                let transfer = try await client.getStream(key: key, from: peer) { bytes, total in
                    progress.update(bytes, of: total)
                }
                progress.update(0, of: transfer.length)
                let helpers = Self.startHelpers(transfer, progress: progress, showProgress: showProgress, trace: trace)
                defer { for helper in helpers { helper.cancel() } }
                let hasher = StreamingSHA256()
                var received: UInt64 = 0
                for try await chunk in transfer {
                    hasher.update(chunk)
                    try sink.write(chunk)
                    received += UInt64(chunk.count)
                }
                let seconds = progress.elapsedSeconds
                for helper in helpers {
                    helper.cancel()
                    await helper.value
                }
                return FetchResult(
                    bytes: received,
                    seconds: seconds,
                    sha256: hasher.finalizeHex(),
                    statistics: transfer.stream?.statistics
                )
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw TimedOut(limit: timeout) }
            return result
        }
    }

    private static func startHelpers(
        _ transfer: GetDataTransfer,
        progress: TransferProgress,
        showProgress: Bool,
        trace: TransferTrace?
    ) -> [Task<Void, Never>] {
        var helpers: [Task<Void, Never>] = []
        guard let stream = transfer.stream else { return helpers }
        if showProgress {
            helpers.append(Task { await progress.drawProgressBar(label: "get") })
        }
        if let trace {
            helpers.append(Task { await trace.record(stream: stream, progress: progress) })
        }
        return helpers
    }

    /// The one-line, exit-1 error for a failed fetch.
    static func cliError(_ error: any Error, name: String) -> CLIError {
        if let error = error as? CLIError { return error }
        if let error = error as? TimedOut {
            return .failure("get '\(name)': timed out after \(formatDecimal(error.limit.seconds, digits: 0)) s")
        }
        if let error = error as? TalkGetDataError {
            switch error.code {
            case .notFound: return .failure("get '\(name)': not found on the peer")
            case .busy: return .failure("get '\(name)': the peer is busy (no uTP connection slot free)")
            case .valueTooLarge: return .failure("get '\(name)': the value is larger than --max-bytes")
            case .shortTransfer: return .failure("get '\(name)': the transfer ended early (short stream)")
            case .rejected: return .failure("get '\(name)': the peer does not serve getdata")
            default: return .failure("get '\(name)': \(error.code)")
            }
        }
        if let error = error as? UTPError {
            switch error.code {
            case .connectionReset: return .failure("get '\(name)': the connection was reset by the peer")
            case .timedOut: return .failure("get '\(name)': the uTP connection timed out")
            case .refused: return .failure("get '\(name)': the uTP connection was refused")
            case .connectionLimitReached:
                return .failure("get '\(name)': the local uTP connection limit is reached")
            case .closed: return .failure("get '\(name)': the uTP connection was closed locally")
            default: return .failure("get '\(name)': uTP: \(error.code)")
            }
        }
        if let error = error as? Discv5Error, error.code == .timeout {
            return .failure("get '\(name)': the peer did not answer (timeout)")
        }
        return NodeOptions.cliError(error, doing: "get '\(name)'")
    }
}
