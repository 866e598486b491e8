// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Foundation
import Testing

@Suite("discv5 run --serve-dir / get / demo as processes", .serialized)
struct GetAndDemoCommandTests {
    /// A fresh temporary directory path (not created).
    private static func freshDirectory(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("discv5-\(name)-\(UUID().uuidString)").path
    }

    @Test func demoFinishesWithASummary() throws {
        // A smaller value than the default 64 MiB keeps the debug build quick.
        let result = try CLIRunner.run(["demo", "--size", "2MiB", "--nodes", "6"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout.contains("found 5/5"), "\(result.stdout)")
        #expect(result.stdout.contains("(matches)"), "\(result.stdout)")
        #expect(result.stdout.contains("summary: 6 nodes"), "\(result.stdout)")
        #expect(result.stdout.hasSuffix("demo ok\n"), "\(result.stdout)")
    }

    @Test func serveDirAndGetRoundTripSmallAndLargeFiles() throws {
        let served = Self.freshDirectory("served")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: served) }
        let small = Array("a small file, answered inline\n".utf8)
        var generator = SystemRandomNumberGenerator()
        let large = (0..<(4 << 20) / 8).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        try Data(small).write(to: URL(fileURLWithPath: served + "/small.txt"))
        try Data(large).write(to: URL(fileURLWithPath: served + "/large.bin"))

        let node = try NodeProcess([
            "--listen", "127.0.0.1:0", "--data-dir", Self.freshDirectory("d"), "--serve-dir", served,
        ])
        defer { _ = try? node.terminate() }

        for (name, contents) in [("small.txt", small), ("large.bin", large)] {
            let out = Self.freshDirectory("out")
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try CLIRunner.run(["get", node.enr, name, "--out", out, "--json"])
            #expect(result.exitCode == 0, "\(name): \(result.stderr)")
            let object = try parseJSONObject(result.stdout)
            #expect(object["bytes"] as? Int == contents.count)
            #expect(object["sha256"] as? String == Hex.encode(SHA256.hash(contents)))
            #expect((object["seconds"] as? Double ?? -1) >= 0)
            #expect(FileManager.default.contents(atPath: out).map(Array.init) == contents)
        }

        // Without --out and --json the value goes to stdout.
        let piped = try CLIRunner.run(["get", node.enr, "small.txt"])
        #expect(piped.exitCode == 0, "\(piped.stderr)")
        #expect(piped.stdout == String(decoding: small, as: UTF8.self))
    }

    @Test func getOfAMissingNameFailsWithOneLine() throws {
        let served = Self.freshDirectory("empty")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: served) }
        let node = try NodeProcess([
            "--listen", "127.0.0.1:0", "--data-dir", Self.freshDirectory("e"), "--serve-dir", served,
        ])
        defer { _ = try? node.terminate() }
        let out = Self.freshDirectory("missing")
        let result = try CLIRunner.run(["get", node.enr, "missing.bin", "--out", out, "--json"])
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("not found"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "a failed get must not leave its --out file")
    }

    @Test func serveDirOfAMissingDirectoryIsBadInput() throws {
        let result = try CLIRunner.run([
            "run", "--listen", "127.0.0.1:0", "--data-dir", Self.freshDirectory("f"),
            "--serve-dir", Self.freshDirectory("nonexistent"),
        ])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("--serve-dir"), "\(result.stderr)")
    }
}
