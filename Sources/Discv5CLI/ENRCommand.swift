// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Discv5Crypto
import ENR
import RLP

/// `discv5 enr …`: Ethereum Node Records.
struct ENRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enr",
        abstract: "Decode and create Ethereum Node Records (EIP-778).",
        subcommands: [Decode.self, New.self]
    )

    /// `discv5 enr decode ENR [--json]`.
    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode and verify a record given in its text form (enr:…)."
        )

        @Argument(help: "The record, as enr:… text.")
        var record: String

        @Flag(name: .long, help: "Print one JSON object instead of text.")
        var json = false

        func run() async throws {
            let enr: ENR
            do {
                enr = try ENR(text: record)
            } catch {
                throw CLIError.badInput("invalid ENR: \(error)")
            }
            if json {
                printJSON(ENRCommand.jsonObject(for: enr))
            } else {
                print(ENRCommand.humanReadable(enr))
            }
        }
    }

    /// `discv5 enr new [--key HEX | --key-file FILE] --ip IP --udp PORT [--tcp PORT] [--seq N] [--json]`.
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create and sign a record.",
            discussion: "Without --key or --key-file a fresh key is generated and not saved."
        )

        @Option(name: .long, help: "The private key, 64 hex digits.")
        var key: String?

        @Option(name: .long, help: "A file holding the private key in hex (mode 0600).")
        var keyFile: String?

        @Option(name: .long, help: "The IPv4 or IPv6 address to advertise.")
        var ip: String

        @Option(name: .long, help: "The UDP port to advertise.")
        var udp: UInt16

        @Option(name: .long, help: "The TCP port to advertise.")
        var tcp: UInt16?

        @Option(name: .long, help: "The sequence number.")
        var seq: UInt64 = 1

        @Flag(name: .long, help: "Print one JSON object instead of the text form.")
        var json = false

        func run() async throws {
            let privateKey: Secp256k1.PrivateKey
            switch (key, keyFile) {
            case (.some, .some):
                throw CLIError.badInput("give either --key or --key-file, not both")
            case (let hex?, nil):
                privateKey = try KeyFile.parseKey(hex)
            case (nil, let path?):
                privateKey = try KeyFile.read(from: path)
            case (nil, nil):
                privateKey = Secp256k1.PrivateKey()
            }
            guard let address = IPAddress(ip) else {
                throw CLIError.badInput("--ip: '\(ip)' is not an IPv4 or IPv6 address")
            }
            var builder = ENRBuilder(seq: seq)
            builder.setUDPEndpoint(address, port: udp)
            if let tcp { builder.setTCPPort(tcp, ipv6: address.isIPv6) }
            let record: ENR
            do {
                record = try builder.sign(with: privateKey)
            } catch {
                throw CLIError.badInput("cannot create record: \(error)")
            }
            if json {
                printJSON(ENRCommand.jsonObject(for: record))
            } else {
                print(record.text)
            }
        }
    }

    /// A record's value as hex: the payload of a byte string, or the whole encoding of a list.
    static func hexValue(_ item: RLPItem) -> String {
        if let bytes = item.bytesValue { return Hex.encode(bytes) }
        return Hex.encode(RLP.encode(item))
    }

    /// The JSON form printed by `enr decode --json` and `enr new --json`.
    static func jsonObject(for record: ENR) -> [String: Any?] {
        var pairs: [String: Any] = [:]
        for pair in record.pairs { pairs[pair.keyText] = hexValue(pair.value) }
        return [
            "enr": record.text,
            "seq": record.seq,
            "node_id": record.nodeID.hexString,
            "public_key": Hex.encode(record.publicKey.compressed),
            "signature": Hex.encode(record.signature),
            // A record that failed verification is refused before it gets here.
            "signature_valid": true,
            "ip": record.ip?.description,
            "udp": record.udp.map { Int($0) },
            "tcp": record.tcp.map { Int($0) },
            "ip6": record.ip6?.description,
            "udp6": record.udp6.map { Int($0) },
            "tcp6": record.tcp6.map { Int($0) },
            "pairs": pairs,
        ]
    }

    /// The text form printed by `enr decode`.
    static func humanReadable(_ record: ENR) -> String {
        var lines = [
            record.text,
            "  seq         \(record.seq)",
            "  node id     \(record.nodeID.hexString)",
            "  public key  \(Hex.encode(record.publicKey.compressed))",
            "  signature   valid (v4)",
        ]
        if let ip = record.ip { lines.append("  ip          \(ip)") }
        if let udp = record.udp { lines.append("  udp         \(udp)") }
        if let tcp = record.tcp { lines.append("  tcp         \(tcp)") }
        if let ip6 = record.ip6 { lines.append("  ip6         \(ip6)") }
        if let udp6 = record.udp6 { lines.append("  udp6        \(udp6)") }
        if let tcp6 = record.tcp6 { lines.append("  tcp6        \(tcp6)") }
        lines.append("  pairs (\(record.pairs.count)):")
        for pair in record.pairs {
            lines.append("    \(pair.keyText.padding(toLength: 10)) \(hexValue(pair.value))")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// The string padded with spaces on the right to at least `length` characters.
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
