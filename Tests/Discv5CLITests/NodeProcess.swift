// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// A `discv5 run … --json` child process, with the identity from its first stdout line.
final class NodeProcess {
    let process = Process()
    let enr: String
    let nodeID: String
    let listen: String
    private let stderrData: ErrorCollector

    /// Collects the child's stderr in the background, so it never blocks on a full pipe.
    final class ErrorCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    /// Starts `discv5 run --json` with `arguments` and waits (at most 30 s) for its first line.
    init(_ arguments: [String]) throws {
        process.executableURL = try CLIRunner.executableURL
        process.arguments = ["run", "--json", "--log-level", "warning"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let collector = ErrorCollector()
        stderrData = collector
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if !chunk.isEmpty { collector.append(chunk) }
        }
        try process.run()
        let line = try Self.readFirstLine(out.fileHandleForReading, timeout: 30)
        guard let line,
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let enr = object["enr"] as? String, let nodeID = object["node_id"] as? String,
            let listen = object["listen"] as? String
        else {
            process.terminate()
            throw CLIRunnerError(message: "run printed no identity line; stderr: \(collector.text)")
        }
        self.enr = enr
        self.nodeID = nodeID
        self.listen = listen
    }

    /// Sends SIGTERM and waits (at most 20 s) for the exit code; SIGKILL after that.
    func terminate() throws -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            throw CLIRunnerError(message: "run did not exit within 20 s of SIGTERM; stderr: \(stderrData.text)")
        }
        return process.terminationStatus
    }

    var stderr: String { stderrData.text }

    /// Reads up to the first newline, on a background thread, bounded by `timeout` seconds.
    private static func readFirstLine(_ handle: FileHandle, timeout: TimeInterval) throws -> String? {
        final class Box: @unchecked Sendable { var line: String? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first else { break }
                if byte == 0x0A { break }
                bytes.append(byte)
            }
            box.line = bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            throw CLIRunnerError(message: "no first line from run within \(timeout) s")
        }
        return box.line
    }
}
