// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import DatagramTransport
import UTP
import UTPUDP

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `discv5 utp-cat`: netcat over uTP (BEP 29) on raw UDP.
struct UTPCatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "utp-cat",
        abstract: "netcat over uTP (BEP 29) on raw UDP.",
        discussion: """
            Copies stdin to the stream and the stream to stdout. At stdin's end it sends FIN and keeps \
            reading; it exits 0 once both directions are done, 1 when the connection fails (refused, timed \
            out, reset), 2 on bad input. A listener serves one connection, then exits.
            """
    )

    @Option(name: .long, help: "Connect to this uTP endpoint (HOST:PORT, [IPv6]:PORT).")
    var connect: String?

    @Option(name: .long, help: "Listen on this address (HOST:PORT; port 0 picks one) for one connection.")
    var listen: String?

    @Flag(name: .long, help: "Print a summary (bytes, MB/s, RTT, retransmissions) to stderr at the end.")
    var stats = false

    @Flag(name: [.short, .long], help: "Print the listening address and the peer to stderr.")
    var verbose = false

    @Option(name: .long, help: "uTP payload bytes per packet (BitTorrent stacks cap UDP near 1472).")
    var payloadSize = 1400

    func run() async throws {
        let mode = try self.parseMode()
        signal(SIGPIPE, SIG_IGN)
        guard (100...1446).contains(self.payloadSize) else {
            throw CLIError.badInput("--payload-size must be 100...1446")
        }
        let socket: UTPSocket
        let stream: UTPStream
        switch mode {
        case .connect(let peer):
            var configuration = UTPSocket.Configuration(host: peer.isIPv4 ? "0.0.0.0" : "::")
            configuration.acceptsIncomingConnections = false
            configuration.maximumPayloadSize = self.payloadSize
            socket = try await Self.bind(configuration)
            do {
                stream = try await socket.connect(to: peer)
            } catch {
                await socket.close()
                throw Self.failure(error, doing: "connect to \(peer)")
            }
        case .listen(let local):
            var configuration = UTPSocket.Configuration(host: local.hostText, port: local.port)
            configuration.maximumPayloadSize = self.payloadSize
            configuration.acceptBacklog = 1
            socket = try await Self.bind(configuration)
            if self.verbose { printError("listening on \(socket.localEndpoint)") }
            do {
                stream = try await socket.accept()
            } catch {
                await socket.close()
                throw Self.failure(error, doing: "accept")
            }
        }
        if self.verbose { printError("connected to \(stream.remote)") }
        let start = ContinuousClock.now
        let progress = self.stats && isatty(STDERR_FILENO) != 0 ? Self.startProgress(stream, since: start) : nil
        do {
            try await Self.transfer(stream)
        } catch {
            progress?.cancel()
            stream.reset()
            await socket.close()
            throw Self.failure(error, doing: "transfer")
        }
        await stream.close()
        progress?.cancel()
        if self.stats { printError(Self.summary(stream.statistics, since: start)) }
        await socket.close()
    }

    private enum Mode {
        case connect(UDPEndpoint)
        case listen(UDPEndpoint)
    }

    private func parseMode() throws -> Mode {
        switch (self.connect, self.listen) {
        case (let text?, nil):
            guard let endpoint = UDPEndpoint(text), endpoint.port != 0 else {
                throw CLIError.badInput("--connect needs HOST:PORT with a numeric address, got '\(text)'")
            }
            return .connect(endpoint)
        case (nil, let text?):
            guard let endpoint = UDPEndpoint(text) else {
                throw CLIError.badInput("--listen needs HOST:PORT with a numeric address, got '\(text)'")
            }
            return .listen(endpoint)
        case (nil, nil), (.some, .some):
            throw CLIError.badInput("give exactly one of --connect HOST:PORT or --listen HOST:PORT")
        }
    }

    private static func bind(_ configuration: UTPSocket.Configuration) async throws -> UTPSocket {
        do {
            return try await UTPSocket.bind(configuration)
        } catch {
            throw CLIError.failure("cannot bind \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// stdin → stream (then FIN) and stream → stdout, concurrently; returns when both are done.
    private static func transfer(_ stream: UTPStream) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                let input = StandardInputChunks()
                for try await chunk in input.chunks {
                    try await stream.write(chunk)
                    input.consumed()
                }
                await stream.finish()
            }
            group.addTask {
                for try await chunk in stream.inbound {
                    try StandardOutput.write(chunk)
                }
            }
            try await group.waitForAll()
        }
    }

    private static func failure(_ error: any Error, doing what: String) -> CLIError {
        if let error = error as? CLIError { return error }
        guard let error = error as? UTPError else { return .failure("\(what): \(error)") }
        switch error.code {
        case .refused: return .failure("\(what): connection refused")
        case .timedOut: return .failure("\(what): timed out")
        case .connectionReset: return .failure("\(what): connection reset by peer")
        case .closed: return .failure("\(what): connection closed")
        default: return .failure("\(what): \(error.code)")
        }
    }

    private static func startProgress(_ stream: UTPStream, since start: ContinuousClock.Instant) -> Task<Void, Never> {
        Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let line = "\r" + Self.summary(stream.statistics, since: start) + "\u{1B}[K"
                try? StandardOutput.write(Array(line.utf8), to: STDERR_FILENO)
            }
            try? StandardOutput.write(Array("\r\u{1B}[K".utf8), to: STDERR_FILENO)
        }
    }

    private static func summary(_ statistics: UTPStatistics, since start: ContinuousClock.Instant) -> String {
        let (seconds, attoseconds) = start.duration(to: .now).components
        let elapsed = max(Double(seconds) + Double(attoseconds) / 1e18, 1e-6)
        let bytes = max(statistics.bytesReceived, statistics.bytesSent)
        let rate = Double(bytes) / elapsed / 1e6
        let rtt = statistics.smoothedRTT.map { duration -> String in
            let (s, a) = duration.components
            return String(format2(Double(s) * 1e3 + Double(a) / 1e15)) + " ms"
        }
        return "sent \(statistics.bytesSent) B, received \(statistics.bytesReceived) B in \(format2(elapsed)) s "
            + "(\(format2(rate)) MB/s), rtt \(rtt ?? "n/a"), retransmissions \(statistics.retransmissions), "
            + "timeouts \(statistics.timeouts), duplicates \(statistics.duplicatePacketsReceived)"
    }
}

/// `x.yy` without Foundation.
private func format2(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

extension UDPEndpoint {
    /// The address without the port, as `bind` wants it.
    fileprivate var hostText: String {
        let text = self.description
        guard let colon = text.lastIndex(of: ":") else { return text }
        let host = text[..<colon]
        return host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : String(host)
    }
}
