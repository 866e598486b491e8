// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Foundation
import TalkGetData

/// `discv5 run`: runs a node until SIGINT or SIGTERM.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a discv5 node until SIGINT or SIGTERM.",
        discussion: """
            The key comes from --key, --key-file, or DATA_DIR/node.key (created with mode 0600 when \
            missing). The node's table and record seq are kept in the data directory (default ~/.discv5). \
            With --json the first stdout line is {"enr":…,"node_id":…,"listen":…}; logs go to stderr. \
            Without --bootnode and with no table saved in the data directory the node runs as a bootnode: \
            it admits nodes that contact it from the start (otherwise only once its own queries found \
            enough live nodes). \
            On SIGINT or SIGTERM the node resets its uTP transfers (peers see them fail, never end short), \
            cancels running TALK handlers (waiting at most 1 s for them), saves its table and exits 0.
            """
    )

    @Option(name: .long, help: "Where to listen: HOST:PORT, e.g. 0.0.0.0:9000 or [::]:9000.")
    var listen = "0.0.0.0:9000"

    @Option(name: .long, help: "The private key, 64 hex digits.")
    var key: String?

    @Option(name: .long, help: "A file holding the private key in hex (mode 0600).")
    var keyFile: String?

    @Option(name: .long, help: "The IP address to advertise (fixes it: endpoint voting won't change it).")
    var enrIP: String?

    @Option(name: .customLong("enr-udp"), help: "The UDP port to advertise (default: the bound port).")
    var enrUDP: UInt16?

    @Option(name: .long, help: "A bootnode record (enr:…); repeat for more. None: run as a bootnode.")
    var bootnode: [String] = []

    @Option(name: .long, help: "The data directory (default ~/.discv5).")
    var dataDir: String?

    @Flag(name: .long, help: "Print the node's identity as one JSON object.")
    var json = false

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Flag(name: .long, help: "Serve the TALK protocol 'echo', which answers with the request payload.")
    var talkEcho = false

    @Option(name: .long, help: "Serve this directory's files over 'getdata' (key = file name; see 'discv5 get').")
    var serveDir: String?

    func run() async throws {
        // Before the node allocates its buffers: large ones are then mapped on their own.
        HeapTrim.fixMmapThreshold()
        // Catch signals first: one that comes while the node starts must still stop it cleanly.
        let signals = TerminationSignals()
        defer { signals.cancel() }
        var configuration = NodeConfiguration(listen: try NodeOptions.listenAddress(listen))
        configuration.logger = try NodeOptions.logger(level: logLevel)
        if let enrIP {
            guard let address = IPAddress(enrIP) else {
                throw CLIError.badInput("--enr-ip: '\(enrIP)' is not an IPv4 or IPv6 address")
            }
            configuration.enrIP = address
        }
        configuration.enrUDPPort = enrUDP
        let bootnodes = try bootnode.map { text throws(CLIError) in try NodeOptions.record(text, option: "--bootnode") }
        let directory = NodeDataDirectory(path: try dataDirectoryPath())
        configuration.dataDirectory = directory
        let privateKey = try loadKey(directory)
        let store = try serveDir.map { path throws(CLIError) in
            do {
                return try DirectoryGetDataStore(root: path)
            } catch {
                throw .badInput("--serve-dir: '\(path)' is not an existing directory")
            }
        }

        let node: Node
        do {
            node = try await Node.start(configuration: configuration, privateKey: privateKey, bootnodes: bootnodes)
        } catch {
            throw NodeOptions.cliError(error, doing: "starting the node")
        }
        if talkEcho { try node.register(EchoTalkHandler()) }
        if let store { try node.register(GetDataServer(store: store)) }
        let record = node.localRecord
        if json {
            printJSON([
                "enr": record.text,
                "node_id": record.nodeID.hexString,
                "listen": node.localEndpoints.map(\.description).joined(separator: ","),
            ])
        } else {
            print(record.text)
        }
        flushStandardOutput()
        let trim = HeapTrim.start(every: .seconds(5))
        await signals.wait()
        trim?.cancel()
        await node.shutdown()
    }

    private func dataDirectoryPath() throws(CLIError) -> String {
        if let dataDir { return dataDir }
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else {
            throw .badInput("--data-dir is needed: HOME is not set")
        }
        return home + "/.discv5"
    }

    private func loadKey(_ directory: NodeDataDirectory) throws(CLIError) -> Secp256k1.PrivateKey {
        switch (key, keyFile) {
        case (.some, .some):
            throw .badInput("give either --key or --key-file, not both")
        case (let hex?, nil):
            return try KeyFile.parseKey(hex)
        case (nil, let path?):
            return try KeyFile.read(from: path)
        case (nil, nil):
            do {
                return try directory.loadOrCreateKey()
            } catch {
                throw NodeOptions.cliError(error, doing: "loading the node key")
            }
        }
    }
}
