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

    @Test func parallelGetFetchesEveryCopyAndChecksItsDigest() throws {
        let served = Self.freshDirectory("parallel")
        try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: served) }
        var generator = SystemRandomNumberGenerator()
        let value = (0..<(64 << 10) / 8).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        try Data(value).write(to: URL(fileURLWithPath: served + "/value.bin"))
        let node = try NodeProcess([
            "--listen", "127.0.0.1:0", "--data-dir", Self.freshDirectory("p"), "--serve-dir", served,
        ])
        defer { _ = try? node.terminate() }
        let digest = Hex.encode(SHA256.hash(value))

        // 40 copies: more than the 32 that run at once, so some wait their turn.
        let result = try CLIRunner.run(["get", node.enr, "value.bin", "--parallel", "40", "--sha256", digest, "--json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try parseJSONObject(result.stdout)
        #expect(object["transfers"] as? Int == 40)
        #expect(object["completed"] as? Int == 40)
        #expect(object["failed"] as? Int == 0)
        #expect(object["bytes"] as? Int == 40 * value.count)
        #expect(object["sha256"] as? String == digest)

        // A digest the copies do not have: every copy counts as failed, exit 1.
        let wrong = String(repeating: "0", count: 64)
        let mismatch = try CLIRunner.run(["get", node.enr, "value.bin", "--parallel", "3", "--sha256", wrong, "--json"])
        #expect(mismatch.exitCode == 1)
        let failed = try parseJSONObject(mismatch.stdout)
        #expect(failed["completed"] as? Int == 0)
        #expect(failed["failed"] as? Int == 3)
    }

    @Test func parallelGetRejectsBadInput() throws {
        let enr =
            "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8"
        for arguments in [
            ["--parallel", "0"], ["--parallel", "2", "--out", "/tmp/x"], ["--parallel", "2", "--sha256", "xyz"],
        ] {
            let result = try CLIRunner.run(["get", enr, "value.bin"] + arguments)
            #expect(result.exitCode == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
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
