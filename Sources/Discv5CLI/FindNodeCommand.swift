// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import ENR
import Foundation

/// `discv5 findnode ENR --distances 0,255,256 [--json]`.
struct FindNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "findnode",
        abstract: "Ask a node for the records at some log-distances from it."
    )

    @Argument(help: "The node's record, enr:….")
    var enr: String

    @Option(name: .long, help: "Comma-separated log-distances, 0...256 (0 is the node's own record).")
    var distances = "0"

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let record = try NodeOptions.record(enr, option: "ENR")
        var parsed: [Int] = []
        for part in distances.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (0...256).contains(value) else {
                throw CLIError.badInput("--distances: '\(part)' is not a distance 0...256")
            }
            parsed.append(value)
        }
        let listen = try NodeOptions.ephemeralListen(for: record, override: options.listen)
        let wanted = parsed
        let records = try await NodeOptions.withClientNode(listen: listen, logLevel: options.logLevel) { node in
            do {
                return try await node.findNode(record, distances: wanted)
            } catch {
                throw NodeOptions.cliError(error, doing: "findnode")
            }
        }
        let nodes = records.map { found -> [String: Any] in
            [
                "enr": found.text,
                "node_id": found.nodeID.hexString,
                "distance": found.nodeID.logDistance(to: record.nodeID),
            ]
        }
        if options.json {
            printJSON(["nodes": nodes])
        } else {
            print("\(records.count) node(s)")
            for found in records {
                print("\(found.nodeID.logDistance(to: record.nodeID))\t\(found.text)")
            }
        }
    }
}
