// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Foundation
import Testing

/// `discv5 utp-cat` between two processes on 127.0.0.1.
///
/// 100 MB each way, byte-exact (SHA-256). The debug build moves ~35–40 MB/s on two loaded cores, so each
/// transfer takes a few seconds; every process wait is bounded (60 s) and kills the processes on expiry.
@Suite("utp-cat processes", .serialized)
struct UTPCatTests {
    static let size = 100_000_000

    @Test func connectorSends100MBToListener() async throws {
        try Self.transfer(listenerSends: false)
    }

    @Test func listenerSends100MBToConnector() async throws {
        try Self.transfer(listenerSends: true)
    }

    @Test func badEndpointExitsWithTwo() throws {
        let result = try CLIRunner.run(["utp-cat", "--connect", "not-an-endpoint"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try CLIRunner.run(["utp-cat"]).exitCode == 2)
        #expect(try CLIRunner.run(["utp-cat", "--listen", "127.0.0.1:1", "--connect", "127.0.0.1:2"]).exitCode == 2)
    }

    private static func transfer(listenerSends: Bool) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("utp-cat-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in")
        let output = directory.appendingPathComponent("out")
        let data = Self.randomData(count: Self.size)
        try data.write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)

        let executable = try CLIRunner.executableURL
        let listener = Process()
        listener.executableURL = executable
        listener.arguments = ["utp-cat", "--listen", "127.0.0.1:0", "--verbose"]
        let listenerErrors = Pipe()
        listener.standardError = listenerErrors
        let connector = Process()
        connector.executableURL = executable
        if listenerSends {
            listener.standardInput = try FileHandle(forReadingFrom: input)
            listener.standardOutput = FileHandle.nullDevice
            connector.standardInput = FileHandle.nullDevice
            connector.standardOutput = try FileHandle(forWritingTo: output)
        } else {
            listener.standardInput = FileHandle.nullDevice
            listener.standardOutput = try FileHandle(forWritingTo: output)
            connector.standardInput = try FileHandle(forReadingFrom: input)
            connector.standardOutput = FileHandle.nullDevice
        }
        let connectorErrors = Pipe()
        connector.standardError = connectorErrors
        try listener.run()
        defer { if listener.isRunning { listener.terminate() } }

        let endpoint = try Self.listeningEndpoint(listenerErrors.fileHandleForReading)
        connector.arguments = ["utp-cat", "--connect", endpoint]
        try connector.run()
        defer { if connector.isRunning { connector.terminate() } }

        let deadline = Date().addingTimeInterval(60)
        try Self.wait(for: connector, until: deadline)
        try Self.wait(for: listener, until: deadline)
        let connectorMessage = String(
            decoding: connectorErrors.fileHandleForReading.readDataToEndOfFile(),
            as: UTF8.self
        )
        let listenerMessage = String(decoding: listenerErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(connector.terminationStatus == 0, "connector: \(connectorMessage)")
        #expect(listener.terminationStatus == 0, "listener: \(listenerMessage)")
        let received = try Data(contentsOf: output)
        #expect(received.count == data.count)
        #expect(SHA256.hash(received) == SHA256.hash(data))
    }

    /// Reads the listener's stderr up to its "listening on HOST:PORT" line.
    private static func listeningEndpoint(_ handle: FileHandle) throws -> String {
        var text = ""
        while !text.contains("\n") {
            let chunk = handle.availableData
            guard !chunk.isEmpty else { throw CLIRunnerError(message: "listener exited early: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: "listening on ") else {
            throw CLIRunnerError(message: "unexpected listener output: \(text)")
        }
        return String(text[range.upperBound...].prefix { $0 != "\n" })
    }

    /// Waits for `process` to exit; terminates it and throws when `deadline` passes first.
    private static func wait(for process: Process, until deadline: Date) throws {
        while process.isRunning {
            guard Date() < deadline else {
                process.terminate()
                throw CLIRunnerError(message: "\(process.arguments ?? []) did not finish within the deadline")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Pseudo-random bytes (SplitMix64), fast enough for 100 MB in a debug build.
    private static func randomData(count: Int) -> Data {
        var data = Data(count: count)
        var state: UInt64 = 0x5EED
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                words[index] = z ^ (z >> 31)
            }
        }
        return data
    }
}
