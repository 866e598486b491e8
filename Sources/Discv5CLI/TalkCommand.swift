// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import Discv5Crypto
import ENR

/// `discv5 talk ENR --protocol HEX --payload HEX [--json]`.
struct TalkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talk",
        abstract: "Send a TALKREQ and print the TALKRESP (empty when the node has no such protocol)."
    )

    @Argument(help: "The node's record, enr:….")
    var enr: String

    @Option(name: .customLong("protocol"), help: "The protocol id in hex (e.g. 6563686f for 'echo').")
    var protocolID: String

    @Option(name: .long, help: "The request payload in hex.")
    var payload = ""

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let record = try NodeOptions.record(enr, option: "ENR")
        let protocolBytes = try NodeOptions.hexBytes(protocolID, option: "--protocol")
        guard !protocolBytes.isEmpty else { throw CLIError.badInput("--protocol must not be empty") }
        let payloadBytes = try NodeOptions.hexBytes(payload, option: "--payload")
        let listen = try NodeOptions.ephemeralListen(for: record, override: options.listen)
        let response = try await NodeOptions.withClientNode(listen: listen, logLevel: options.logLevel) { node in
            do {
                return try await node.talk(protocol: protocolBytes, payload: payloadBytes, to: record)
            } catch {
                throw NodeOptions.cliError(error, doing: "talk")
            }
        }
        if options.json {
            printJSON(["response": Hex.encode(response)])
        } else {
            print(Hex.encode(response))
        }
    }
}
