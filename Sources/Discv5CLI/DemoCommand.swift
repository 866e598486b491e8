// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import TalkContentExchange
import TalkGetData

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `discv5 demo`: a small network in one process — discovery, a large `getdata` transfer over uTP,
/// and a content-exchange offer — with a short summary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a small discv5 network on 127.0.0.1 in this process and move data across it.",
        discussion: """
            Starts --nodes nodes that all bootstrap from the first one, runs lookups until each has \
            found the others, moves a --size value between two of them over getdata + uTP (checked by \
            SHA-256), offers --items items over the content exchange, and prints a summary. Exit 0 \
            when everything worked, 1 otherwise.
            """
    )

    @Option(name: .long, help: "How many nodes to start (3...64).")
    var nodes = 8

    @Option(name: .long, help: "The size of the value moved over getdata, e.g. 64MiB, 512KiB, 1000000.")
    var size = "64MiB"

    @Option(name: .long, help: "How many items to offer over the content exchange (2...64).")
    var items = 4

    @Option(name: .long, help: "Give up after this many seconds.")
    var timeout: Double = 50

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "error"

    func run() async throws {
        guard (3...64).contains(nodes) else { throw CLIError.badInput("--nodes must be 3...64") }
        guard (2...64).contains(items) else { throw CLIError.badInput("--items must be 2...64") }
        guard timeout > 0 else { throw CLIError.badInput("--timeout must be positive") }
        let byteCount = try Self.parseSize(size)
        let logger = try NodeOptions.logger(level: logLevel)
        var configuration = NodeConfiguration(listen: .ipv4(host: "127.0.0.1", port: 0))
        configuration.logger = logger
        configuration.engine.table.inboundAdmissionThreshold = 0
        let network = DemoNetwork(configuration: configuration)
        let limit = Duration.seconds(timeout)
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await network.run(nodeCount: nodes, valueSize: byteCount, itemCount: items, timeout: limit)
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return false
                }
                defer { group.cancelAll() }
                guard try await group.next() == true else {
                    throw CLIError.failure("demo: not done within \(formatDecimal(timeout, digits: 0)) s")
                }
            }
        } catch {
            await network.shutdown()
            if let error = error as? CLIError { throw error }
            throw Fetch.cliError(error, name: DemoNetwork.valueKey)
        }
        await network.shutdown()
        flushStandardOutput()
    }

    /// Parses `64MiB`, `512KiB`, `1MB`, `1000000`.
    static func parseSize(_ text: String) throws(CLIError) -> Int {
        let units: [(String, Int)] = [
            ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000), ("MB", 1_000_000),
            ("KB", 1_000), ("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10), ("B", 1),
        ]
        var number = text
        var multiplier = 1
        for (suffix, value) in units where text.hasSuffix(suffix) {
            number = String(text.dropLast(suffix.count))
            multiplier = value
            break
        }
        guard let count = Int(number), count > 0, count <= (4 << 30) / multiplier else {
            throw .badInput("--size: '\(text)' is not a size between 1 B and 4 GiB (e.g. 64MiB)")
        }
        return count * multiplier
    }
}
