// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
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

    @OptionGroup var client: ClientOptions

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let record = try NodeOptions.record(enr, option: "ENR")
        let key = Array(name.utf8)
        guard (1...GetData.maximumKeyLength).contains(key.count) else {
            throw CLIError.badInput("NAME must be 1 to \(GetData.maximumKeyLength) bytes")
        }
        guard timeout > 0 else { throw CLIError.badInput("--timeout must be positive") }
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
}
