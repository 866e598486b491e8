// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import DatagramTransport
import Discv5
import ENR
import Foundation
import TalkGetData
import UTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `discv5 get`: fetches one value (a file of a `run --serve-dir` node) over `getdata`.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Fetch a value over the TALK protocol 'getdata' (uTP for large values).",
        discussion: """
            Writes the value to --out FILE, or to stdout without --out (and without --json). With --json \
            one line {"bytes":…,"seconds":…,"sha256":…,…} is printed instead. A progress bar with the rate \
            goes to stderr when stderr is a terminal. Exit 1 with one line when the value is not found, \
            the transfer times out or is reset; a failed transfer never leaves a partial --out file.

            With --parallel N the value is fetched N times at once (a load test): at most \
            \(GetCommand.parallelPerPeerLimit) transfers run at a time, the rest wait their turn, and a \
            busy peer is retried with backoff. Every copy is hashed with SHA-256 and discarded (--out and \
            --trace are refused); --sha256 HEX makes a copy with another digest count as failed. One line \
            sums it up; with --json {"transfers":…,"completed":…,"failed":…,"bytes":…,"seconds":…,\
            "mib_per_s":…,"sha256":…,"utp_packets_received":…,"utp_packets_sent":…,"datagrams_received":…,\
            "datagrams_sent":…} (the client's packet counts show the ACK cost), where --timeout applies to \
            each copy. Exit 1 when any copy failed.
            """
    )

    @Argument(help: "The record of the serving node (enr:…).")
    var enr: String

    @Argument(help: "The key to fetch: a file name of a node run with --serve-dir.")
    var name: String

    @Option(name: .long, help: "Write the value to this file instead of stdout.")
    var out: String?

    @Option(name: .long, help: "Record seconds, bytes, cwnd and RTT every 50 ms into this CSV file.")
    var trace: String?

    @Option(name: .long, help: "Give up after this many seconds.")
    var timeout: Double = 300

    @Option(name: .long, help: "Refuse values larger than this many bytes.")
    var maxBytes: UInt64 = 1 << 34

    @Option(name: .long, help: "Fetch the value this many times at once and print one summary (a load test).")
    var parallel: Int = 1

    @Option(name: .long, help: "With --parallel: the expected SHA-256 (hex) of the value.")
    var sha256: String?

    @OptionGroup var client: ClientOptions

    /// Transfers `--parallel` runs at a time against one peer (the rest queue in the client).
    static let parallelPerPeerLimit = 32

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let record = try NodeOptions.record(enr, option: "ENR")
        let key = Array(name.utf8)
        guard (1...GetData.maximumKeyLength).contains(key.count) else {
            throw CLIError.badInput("NAME must be 1 to \(GetData.maximumKeyLength) bytes")
        }
        guard timeout > 0 else { throw CLIError.badInput("--timeout must be positive") }
        guard parallel >= 1 else { throw CLIError.badInput("--parallel must be at least 1") }
        if parallel > 1 || sha256 != nil {
            try await runParallel(record: record, key: key)
            return
        }
        let trace = self.trace.map { TransferTrace(path: $0) }
        try trace?.create()
        let listen = try NodeOptions.ephemeralListen(for: record, override: client.listen)
        let sink = try OutputSink(path: out, discard: out == nil && client.json)
        let result: FetchResult
        do {
            result = try await NodeOptions.withClientNode(listen: listen, logLevel: client.logLevel) { node in
                try await Fetch.run(
                    client: GetDataClient(node: node, maximumLength: maxBytes),
                    key: key,
                    from: record,
                    timeout: .seconds(timeout),
                    showProgress: isatty(STDERR_FILENO) != 0,
                    trace: trace,
                    sink: sink
                )
            }
            try sink.close()
        } catch {
            sink.abandon()
            throw Fetch.cliError(error, name: name)
        }
        if client.json {
            printJSON(result.json)
        } else if out != nil {
            printError(result.summary)
        }
        flushStandardOutput()
    }

    private func runParallel(record: ENR, key: [UInt8]) async throws {
        guard out == nil, trace == nil else {
            throw CLIError.badInput("--parallel discards the copies: --out and --trace are not allowed with it")
        }
        let expected = sha256?.lowercased()
        if let expected {
            guard expected.count == 64, expected.allSatisfy(\.isHexDigit) else {
                throw CLIError.badInput("--sha256 must be 64 hex digits")
            }
        }
        let listen = try NodeOptions.ephemeralListen(for: record, override: client.listen)
        let outcome = try await NodeOptions.withClientNode(listen: listen, logLevel: client.logLevel) { node in
            var outcome = await ParallelFetch.run(
                client: GetDataClient(
                    node: node,
                    maximumLength: maxBytes,
                    maximumConcurrentTransfersPerPeer: Self.parallelPerPeerLimit,
                    busyRetries: 16
                ),
                key: key,
                name: name,
                from: record,
                count: parallel,
                expectedSHA256: expected,
                timeout: .seconds(timeout)
            )
            let metrics = await node.metricsSnapshot()
            outcome.utpPacketsReceived = metrics.utpPacketsReceived
            outcome.utpPacketsSent = metrics.utpPacketsSent
            outcome.datagramsReceived = metrics.transport.datagramsReceived
            outcome.datagramsSent = metrics.transport.datagramsSent
            return outcome
        }
        if client.json {
            printJSON(outcome.json)
        } else {
            print(outcome.summary)
        }
        flushStandardOutput()
        if outcome.failed > 0 {
            throw CLIError.failure("get '\(name)': \(outcome.failed) of \(outcome.transfers) transfers failed")
        }
    }
}
