// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5Crypto

/// `discv5 key …`: node identity keys.
struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Manage secp256k1 node keys.",
        subcommands: [Generate.self]
    )

    /// `discv5 key generate [--out FILE]`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a new private key.",
            discussion: "Prints the key as 64 hex digits, or writes it to FILE with mode 0600."
        )

        @Option(name: .long, help: "Write the key to this new file (mode 0600) instead of printing it.")
        var out: String?

        func run() async throws {
            let key = Secp256k1.PrivateKey()
            if let out {
                try KeyFile.create(key, at: out)
            } else {
                print(key.hexString)
            }
        }
    }
}
