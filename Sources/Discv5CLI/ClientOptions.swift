// SPDX-License-Identifier: Apache-2.0

import ArgumentParser

/// Options of the commands that start a short-lived node to ask a peer something.
struct ClientOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Option(
        name: .long,
        help: "Where the temporary node listens (default: 127.0.0.1:0 for a loopback peer, else 0.0.0.0:0)."
    )
    var listen: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "warning"
}
