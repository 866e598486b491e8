// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import Discv5Crypto
import ENR

/// `discv5 lookup --bootnode ENR... [--target HEX] [--json]`.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find the nodes closest to a target id, starting from bootnodes."
    )

    @Option(name: .long, help: "A bootnode record (enr:…); repeat for more.")
    var bootnode: [String] = []

    @Option(name: .long, help: "The target node id, 64 hex digits (default: random).")
    var target: String?

    @OptionGroup var options: ClientOptions

    func run() async throws {
        guard !bootnode.isEmpty else { throw CLIError.badInput("give at least one --bootnode") }
        let bootnodes = try bootnode.map { text throws(CLIError) in try NodeOptions.record(text, option: "--bootnode") }
        let targetID: NodeID
        if let target {
            let bytes = try NodeOptions.hexBytes(target, option: "--target")
            guard let id = NodeID(bytes: bytes) else {
                throw CLIError.badInput("--target must be 32 bytes (64 hex digits)")
            }
            targetID = id
        } else {
            targetID = NodeID(publicKey: Secp256k1.PrivateKey().publicKey)
        }
        let listen = try NodeOptions.ephemeralListen(for: bootnodes.first, override: options.listen)
        let records = try await NodeOptions.withClientNode(
            listen: listen,
            logLevel: options.logLevel,
            bootnodes: bootnodes
        ) { node in
            do {
                return try await node.lookup(target: targetID)
            } catch {
                throw NodeOptions.cliError(error, doing: "lookup")
            }
        }
        if options.json {
            printJSON([
                "target": targetID.hexString,
                "nodes": records.map { found in
                    [
                        "enr": found.text,
                        "node_id": found.nodeID.hexString,
                        "distance": found.nodeID.logDistance(to: targetID),
                    ] as [String: Any]
                },
            ])
        } else {
            print("\(records.count) node(s) closest to \(targetID)")
            for found in records { print("\(found.nodeID.logDistance(to: targetID))\t\(found.text)") }
        }
    }
}
