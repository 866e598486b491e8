// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// The result of running the `discv5` executable once.
struct CLIResult {
    let exitCode: Int32
    let stdout: String
    let stderr: String
}

/// Runs the `discv5` executable built next to the test bundle.
enum CLIRunner {
    static var executableURL: URL {
        get throws {
            let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            var candidates = [buildDirectory.appendingPathComponent("discv5")]
            // On some layouts the runner is one level deeper than the products.
            candidates.append(buildDirectory.deletingLastPathComponent().appendingPathComponent("discv5"))
            for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
            throw CLIRunnerError(message: "discv5 executable not found near \(buildDirectory.path)")
        }
    }

    /// Runs the tool with arguments and waits for it to exit.
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = try executableURL
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIResult(
            exitCode: process.terminationStatus,
            stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }
}

struct CLIRunnerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Parses the single JSON object a `--json` command prints.
func parseJSONObject(_ text: String) throws -> [String: Any] {
    let lines = text.split(separator: "\n")
    #expect(lines.count == 1, "--json must print exactly one line")
    let object = try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8))
    return try #require(object as? [String: Any])
}
