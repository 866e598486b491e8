// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import ENR
import Foundation

/// `discv5 ping ENR [--json]`.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Ping a node from a temporary node; exit 1 if it does not answer."
    )

    @Argument(help: "The node's record, enr:….")
    var enr: String

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let record = try NodeOptions.record(enr, option: "ENR")
        let listen = try NodeOptions.ephemeralListen(for: record, override: options.listen)
        let pong = try await NodeOptions.withClientNode(listen: listen, logLevel: options.logLevel) { node in
            do {
                return try await node.ping(record)
            } catch {
                throw NodeOptions.cliError(error, doing: "ping")
            }
        }
        let milliseconds =
            Double(pong.rtt.components.seconds) * 1000
            + Double(pong.rtt.components.attoseconds) / 1e15
        if options.json {
            printJSON([
                "enr_seq": pong.enrSeq,
                "recipient_ip": pong.recipientIP.description,
                "recipient_port": Int(pong.recipientPort),
                "rtt_ms": (milliseconds * 1000).rounded() / 1000,
            ])
        } else {
            print(
                "pong from \(record.nodeID): seq \(pong.enrSeq), saw us at \(pong.recipientIP):\(pong.recipientPort), rtt \(String(format: "%.3f", milliseconds)) ms"
            )
        }
    }
}
