// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Foundation
import Logging

/// Parsing and error mapping shared by the commands that run a node.
enum NodeOptions {
    /// A stderr logger at the given level (`trace` … `critical`).
    static func logger(level text: String) throws(CLIError) -> Logger {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw .badInput("--log-level: '\(text)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "discv5", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = level
        return logger
    }

    /// Parses `HOST:PORT` (numeric IPv4, or `[IPv6]:PORT`).
    static func listenAddress(_ text: String) throws(CLIError) -> NodeConfiguration.ListenAddress {
        guard let address = NodeConfiguration.ListenAddress.parse(text) else {
            throw .badInput(
                "--listen: '\(text)' is not HOST:PORT with a numeric address (e.g. 0.0.0.0:9000 or [::]:9000)"
            )
        }
        return address
    }

    /// Parses a record given on the command line.
    static func record(_ text: String, option: String) throws(CLIError) -> ENR {
        do {
            return try ENR(text: text)
        } catch {
            throw .badInput("\(option): invalid ENR: \(error)")
        }
    }

    /// Parses hex bytes (an optional `0x` prefix; empty is allowed).
    static func hexBytes(_ text: String, option: String) throws(CLIError) -> [UInt8] {
        let digits = text.hasPrefix("0x") ? String(text.dropFirst(2)) : text
        do {
            return try Hex.decode(digits)
        } catch {
            throw .badInput("\(option): '\(text)' is not hex")
        }
    }

    /// The CLI error for a node failure: the user's input (exit 2) or the operation (exit 1).
    static func cliError(_ error: any Error, doing what: String) -> CLIError {
        guard let error = error as? Discv5Error else { return .failure("\(what) failed: \(error)") }
        switch error.code {
        case .noEndpoint, .invalidArgument, .insecureKeyFile:
            return .badInput("\(what): \(error.message)")
        default:
            return .failure("\(what) failed: \(error.code): \(error.message)")
        }
    }

    /// Where a client command listens: loopback for a loopback peer, else any address of the
    /// peer's family, on an ephemeral port.
    static func ephemeralListen(for record: ENR?, override: String?) throws(CLIError) -> NodeConfiguration.ListenAddress
    {
        if let override { return try listenAddress(override) }
        if let record, record.udpEndpoint == nil, record.udp6Endpoint != nil {
            return record.ip6 == IPAddress("::1") ? .ipv6(host: "::1", port: 0) : .ipv6(host: "::", port: 0)
        }
        if let ip = record?.ip, ip.bytes.first == 127 { return .ipv4(host: "127.0.0.1", port: 0) }
        return .ipv4(host: "0.0.0.0", port: 0)
    }

    /// Runs `body` with a short-lived node with a fresh key, then shuts it down.
    ///
    /// Its record names no endpoint: the node is gone within seconds, so no peer should admit it
    /// to its table and serve it to other nodes' lookups.
    static func withClientNode<Result: Sendable>(
        listen: NodeConfiguration.ListenAddress,
        logLevel: String,
        bootnodes: [ENR] = [],
        _ body: (Node) async throws -> Result
    ) async throws -> Result {
        var configuration = NodeConfiguration(listen: listen)
        configuration.logger = try logger(level: logLevel)
        configuration.advertisesEndpoint = false
        let node: Node
        do {
            node = try await Node.start(
                configuration: configuration,
                privateKey: Secp256k1.PrivateKey(),
                bootnodes: bootnodes
            )
        } catch {
            throw cliError(error, doing: "starting the node")
        }
        do {
            let result = try await body(node)
            await node.shutdown()
            return result
        } catch {
            await node.shutdown()
            throw error
        }
    }
}

/// Writes stdout's (and every stream's) buffer now (stdout is block-buffered when piped; a supervisor reads lines).
func flushStandardOutput() {
    fflush(nil)
}
