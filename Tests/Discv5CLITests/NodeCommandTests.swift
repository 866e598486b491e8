// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// A fresh temporary directory path (not created).
private func freshDirectory(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("discv5-\(name)-\(UUID().uuidString)").path
}

@Suite("discv5 run / ping / findnode / talk / lookup as processes", .serialized)
struct NodeCommandTests {
    @Test func twoRunProcessesAnswerTheClientCommands() throws {
        let first = try NodeProcess(["--listen", "127.0.0.1:0", "--talk-echo", "--data-dir", freshDirectory("a")])
        defer { _ = try? first.terminate() }
        let second = try NodeProcess([
            "--listen", "127.0.0.1:0", "--talk-echo", "--data-dir", freshDirectory("b"), "--bootnode", first.enr,
        ])
        defer { _ = try? second.terminate() }
        #expect(first.listen.hasPrefix("127.0.0.1:"))

        for node in [first, second] {
            let ping = try CLIRunner.run(["ping", node.enr, "--json"])
            #expect(ping.exitCode == 0, "\(ping.stderr)")
            let pong = try parseJSONObject(ping.stdout)
            #expect(pong["enr_seq"] as? Int == 1)
            #expect(pong["recipient_ip"] as? String == "127.0.0.1")
            #expect((pong["recipient_port"] as? Int ?? 0) > 0)
            #expect((pong["rtt_ms"] as? Double ?? -1) >= 0)

            let find = try CLIRunner.run(["findnode", node.enr, "--distances", "0,255,256", "--json"])
            #expect(find.exitCode == 0, "\(find.stderr)")
            let nodes = try #require(try parseJSONObject(find.stdout)["nodes"] as? [[String: Any]])
            let own = try #require(nodes.first { $0["distance"] as? Int == 0 })
            #expect(own["enr"] as? String == node.enr)
            #expect(own["node_id"] as? String == node.nodeID)

            let talk = try CLIRunner.run(["talk", node.enr, "--protocol", "6563686f", "--payload", "c0ffee", "--json"])
            #expect(talk.exitCode == 0, "\(talk.stderr)")
            #expect(try parseJSONObject(talk.stdout)["response"] as? String == "c0ffee")

            let unknown = try CLIRunner.run(["talk", node.enr, "--protocol", "0000", "--payload", "01", "--json"])
            #expect(try parseJSONObject(unknown.stdout)["response"] as? String == "")
        }

        // Process to process: the second bootstrapped from the first, so once its liveness check
        // of the first passed, it serves the first's record at their log-distance.
        let distance = try logDistance(first.nodeID, second.nodeID)
        var served = false
        for _ in 0..<20 where !served {
            let find = try CLIRunner.run(["findnode", second.enr, "--distances", "\(distance)", "--json"])
            let nodes = try parseJSONObject(find.stdout)["nodes"] as? [[String: Any]] ?? []
            served = nodes.contains { $0["node_id"] as? String == first.nodeID }
        }
        #expect(served, "the second node never served the first one it bootstrapped from")

        let lookup = try CLIRunner.run(["lookup", "--bootnode", first.enr, "--json"])
        #expect(lookup.exitCode == 0, "\(lookup.stderr)")
        let found = try #require(try parseJSONObject(lookup.stdout)["nodes"] as? [[String: Any]])
        #expect(found.contains { $0["node_id"] as? String == first.nodeID })

        #expect(try second.terminate() == 0)
        #expect(try first.terminate() == 0)
    }

    @Test func dataDirectoryKeepsTheKeyAndRaisesTheSeq() throws {
        let directory = freshDirectory("data")
        let first = try NodeProcess(["--listen", "127.0.0.1:0", "--data-dir", directory])
        #expect(try first.terminate() == 0)
        let keyPath = directory + "/node.key"
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let firstSeq = try seq(of: first.enr)

        let second = try NodeProcess(["--listen", "127.0.0.1:0", "--data-dir", directory])
        #expect(try second.terminate() == 0)
        #expect(second.nodeID == first.nodeID)
        #expect(try seq(of: second.enr) > firstSeq)
        #expect(FileManager.default.fileExists(atPath: directory + "/nodes.json"))
    }

    @Test func groupReadableKeyFileIsRefusedWithExitTwo() throws {
        let directory = freshDirectory("insecure")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keyPath = directory + "/node.key"
        try Data((String(repeating: "11", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: keyPath))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        let result = try CLIRunner.run(["run", "--listen", "127.0.0.1:0", "--data-dir", directory, "--json"])
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("readable by group or others"))
    }

    @Test func badInputExitsTwoAndAnUnansweredPingExitsOne() throws {
        #expect(try CLIRunner.run(["ping", "enr:nonsense", "--json"]).exitCode == 2)
        #expect(try CLIRunner.run(["run", "--listen", "localhost:1", "--json"]).exitCode == 2)
        let node = try NodeProcess(["--listen", "127.0.0.1:0", "--data-dir", freshDirectory("gone")])
        let bad = try CLIRunner.run(["findnode", node.enr, "--distances", "0,300", "--json"])
        #expect(bad.exitCode == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(try node.terminate() == 0)
        let silent = try CLIRunner.run(["ping", node.enr, "--json"])
        #expect(silent.exitCode == 1)
        #expect(silent.stdout.isEmpty)
        #expect(silent.stderr.contains("timeout"))
    }

    /// The record's `seq`, via `discv5 enr decode --json`.
    private func seq(of enr: String) throws -> Int {
        let decoded = try CLIRunner.run(["enr", "decode", enr, "--json"])
        return try #require(try parseJSONObject(decoded.stdout)["seq"] as? Int)
    }

    /// The log-distance of two hex node ids.
    private func logDistance(_ a: String, _ b: String) throws -> Int {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        for index in stride(from: 0, to: 64, by: 2) {
            let x = try #require(UInt8(String(decoding: left[index..<index + 2], as: UTF8.self), radix: 16))
            let y = try #require(UInt8(String(decoding: right[index..<index + 2], as: UTF8.self), radix: 16))
            if x != y { return 256 - index * 4 - (x ^ y).leadingZeroBitCount }
        }
        return 0
    }
}
