// SPDX-License-Identifier: Apache-2.0

import ENR
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func freshDirectory(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("discv5-\(name)-\(UUID().uuidString)").path
}

@Suite("Data safety: atomic state files, graceful shutdown", .serialized)
struct DataSafetyTests {
    /// A `DataDirectoryWriter` child rewrites the state files without end; it is killed with
    /// SIGKILL at varied moments, and after every kill each file must parse as one whole state
    /// (a torn or empty file would not), with `enr-seq` never going back.
    @Test func stateFilesSurviveSIGKILLAtAnyMoment() throws {
        let directory = freshDirectory("sigkill")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lastSeq: UInt64 = 0
        for round in 0..<30 {
            let writer = try ChildProcess(executable: "DataDirectoryWriter", arguments: [directory])
            #expect(try writer.readLine(timeout: 30) == "ready")
            // Varied moments: 0 to 19 ms after the first complete state, in a spread order.
            usleep(UInt32((round * 7) % 20) * 1000)
            writer.send(SIGKILL)
            #expect(writer.waitForExit(timeout: 20) == SIGKILL)

            let seqText = try String(contentsOfFile: directory + "/enr-seq", encoding: .utf8)
            let seq = try #require(
                UInt64(seqText.trimmingCharacters(in: .whitespacesAndNewlines)),
                "enr-seq: \(seqText)"
            )
            #expect(seq >= lastSeq)
            lastSeq = seq

            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/nodes.json"))
            let file = try JSONDecoder().decode(NodesFile.self, from: data)
            // A complete state is the first k of the writer's fixed records (ports 30000, 30001, …).
            #expect((1...64).contains(file.nodes.count))
            for (index, text) in file.nodes.enumerated() {
                let record = try ENR(text: text)
                #expect(record.udp == UInt16(30_000 + index))
            }
        }
        // A kill between write and rename leaves a temporary behind; the next start removes it.
        let clean = try ChildProcess(executable: "DataDirectoryWriter", arguments: [directory, "--clean"])
        let removed = try clean.readLine(timeout: 30)
        print("after 30 SIGKILLs: \(removed ?? "nothing printed") stale temporaries")
        #expect(clean.waitForExit(timeout: 20) == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// SIGTERM while a large transfer is in flight: the node exits 0, the client's `get` fails with
    /// a reset (never short data reported as success, no partial --out file), and the table is saved.
    @Test func sigtermDuringATransferResetsItExitsZeroAndSavesTheState() throws {
        let serveDir = freshDirectory("serve")
        let dataDir = freshDirectory("data")
        let work = freshDirectory("client")
        defer {
            for path in [serveDir, dataDir, work] { try? FileManager.default.removeItem(atPath: path) }
        }
        try FileManager.default.createDirectory(atPath: serveDir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // A sparse 4 GiB file: no disk use, and far more than a debug build moves before the signal.
        let big = serveDir + "/big"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        #expect(truncate(big, 4 << 30) == 0)

        let server = try NodeProcess(["--listen", "127.0.0.1:0", "--serve-dir", serveDir, "--data-dir", dataDir])
        let trace = work + "/trace.csv"
        let out = work + "/out"
        let get = try ChildProcess(
            executable: "discv5",
            arguments: ["get", server.enr, "big", "--out", out, "--trace", trace, "--timeout", "120"]
        )
        // Wait (bounded) until at least 4 MB went over uTP, as the client's trace reports it.
        var inFlight = false
        for _ in 0..<600 where !inFlight {
            usleep(100_000)
            inFlight = Self.tracedBytes(trace) > 4_000_000
        }
        #expect(inFlight, "the transfer never got going")

        let signalled = ContinuousClock.now
        let exitCode = try server.terminate()
        let shutdown = signalled.duration(to: .now)
        print("discv5 run: SIGTERM to exit during a transfer took \(shutdown)")
        #expect(exitCode == 0, "\(server.stderr)")

        let getExit = get.waitForExit(timeout: 60)
        let message = get.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(getExit == 1, "get: \(message)")
        #expect(message.split(separator: "\n").count == 1, "\(message)")
        #expect(message.contains("reset by the peer"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work) == ["trace.csv"])

        let saved = try Data(contentsOf: URL(fileURLWithPath: dataDir + "/nodes.json"))
        _ = try JSONDecoder().decode(NodesFile.self, from: saved)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/enr-seq"))
    }

    /// The `bytes` column of the last complete row of a `--trace` file, or 0.
    private static func tracedBytes(_ path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        let rows = text.split(separator: "\n").dropFirst()
        guard let last = rows.last(where: { $0.split(separator: ",").count >= 2 }) else { return 0 }
        return Int(last.split(separator: ",")[1]) ?? 0
    }

    private struct NodesFile: Decodable {
        var nodes: [String]
    }
}

/// A child process built next to the tests, with its stdout read line by line and stderr collected.
final class ChildProcess {
    private let process = Process()
    private let stdoutHandle: FileHandle
    private let errors = NodeProcess.ErrorCollector()

    init(executable: String, arguments: [String]) throws {
        process.executableURL = try CLIRunner.executableURL.deletingLastPathComponent().appendingPathComponent(
            executable
        )
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let errors = self.errors
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { errors.append(chunk) }
        }
        stdoutHandle = out.fileHandleForReading
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// What the child wrote to stderr so far.
    var standardError: String { errors.text }

    /// The next stdout line (bounded by `timeout` seconds), `nil` at end of file.
    func readLine(timeout: TimeInterval) throws -> String? {
        final class Box: @unchecked Sendable { var line: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let handle = stdoutHandle
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while true {
                guard let byte = handle.readData(ofLength: 1).first, byte != 0x0A else { break }
                bytes.append(byte)
            }
            box.line = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            throw CLIRunnerError(message: "no line from the child within \(timeout) s; stderr: \(standardError)")
        }
        return box.line
    }

    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// The exit code, or the signal number when a signal ended it; `nil` if it still ran after
    /// `timeout` seconds (it is killed then).
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

@Suite("discv5 get failures say why", .serialized)
struct GetFailureTests {
    @Test func getFromANodeThatIsGoneFailsWithATimeoutNeverData() throws {
        let dataDir = freshDirectory("gone")
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let node = try NodeProcess(["--listen", "127.0.0.1:0", "--data-dir", dataDir])
        #expect(try node.terminate() == 0)
        let result = try CLIRunner.run(["get", node.enr, "anything", "--json", "--timeout", "30"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("did not answer (timeout)"), "\(result.stderr)")
    }

    @Test func aFailedGetLeavesAnExistingOutFileAsItWas() throws {
        let serveDir = freshDirectory("serve")
        let work = freshDirectory("out")
        let dataDir = freshDirectory("data")
        defer {
            for path in [serveDir, work, dataDir] { try? FileManager.default.removeItem(atPath: path) }
        }
        for path in [serveDir, work] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        let out = work + "/value"
        try Data("previous".utf8).write(to: URL(fileURLWithPath: out))
        let node = try NodeProcess([
            "--listen", "127.0.0.1:0", "--serve-dir", serveDir, "--data-dir", freshDirectory("d"),
        ])
        defer { _ = try? node.terminate() }
        let result = try CLIRunner.run(["get", node.enr, "missing", "--out", out])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("not found"), "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work) == ["value"])
    }
}
