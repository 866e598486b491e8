// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

private let exampleENR =
    "enr:-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04jRzjzCBOonrkTfj499SZuOh8R33Ls8RRcy5wBgmlkgnY0gmlwhH8AAAGJc2VjcDI1NmsxoQPKY0yuDUmstAHYpMa2_oxVtw0RW_QAdpzBQA8yWM0xOIN1ZHCCdl8"
private let exampleKey = "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291"
private let exampleNodeID = "a448f24c6d18e575453db13171562b71999873db5b286df957af199ec94617f7"

private func temporaryPath(_ name: String) -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("discv5-cli-tests-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent(name).path
}

@Suite struct KeyCommandTests {
    @Test func generatePrintsAFreshHexKey() throws {
        let first = try CLIRunner.run(["key", "generate"])
        let second = try CLIRunner.run(["key", "generate"])
        #expect(first.exitCode == 0)
        let key = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.count == 64 && key.allSatisfy(\.isHexDigit))
        #expect(key != second.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func generateWritesAKeyFileWithMode0600() throws {
        let path = temporaryPath("node.key")
        let result = try CLIRunner.run(["key", "generate", "--out", path])
        #expect(result.exitCode == 0)
        #expect(result.stdout.isEmpty, "the key must not be printed when written to a file")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let contents = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(contents.count == 64)
        // A second run must not replace the identity.
        let again = try CLIRunner.run(["key", "generate", "--out", path])
        #expect(again.exitCode == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains(contents))
    }

    @Test func keyFileReadableByOthersIsRefused() throws {
        let path = temporaryPath("open.key")
        try (exampleKey + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let result = try CLIRunner.run(["enr", "new", "--key-file", path, "--ip", "127.0.0.1", "--udp", "30303"])
        #expect(result.exitCode == 2)
        #expect(result.stderr.contains("readable by group or others"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let fixed = try CLIRunner.run([
            "enr", "new", "--key-file", path, "--ip", "127.0.0.1", "--udp", "30303", "--json",
        ])
        #expect(fixed.exitCode == 0)
        #expect(try parseJSONObject(fixed.stdout)["node_id"] as? String == exampleNodeID)
    }
}

@Suite struct ENRCommandTests {
    @Test func decodeTheExampleRecordAsText() throws {
        let result = try CLIRunner.run(["enr", "decode", exampleENR])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains(exampleNodeID))
        #expect(result.stdout.contains("127.0.0.1"))
        #expect(result.stdout.contains("30303"))
    }

    @Test func decodeTheExampleRecordAsJSON() throws {
        let result = try CLIRunner.run(["enr", "decode", exampleENR, "--json"])
        #expect(result.exitCode == 0)
        let object = try parseJSONObject(result.stdout)
        #expect(object["seq"] as? Int == 1)
        #expect(object["node_id"] as? String == exampleNodeID)
        #expect(object["public_key"] as? String == "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138")
        #expect(object["ip"] as? String == "127.0.0.1")
        #expect(object["udp"] as? Int == 30303)
        #expect(object["tcp"] is NSNull)
        #expect(object["ip6"] is NSNull)
        #expect(object["udp6"] is NSNull)
        #expect(object["signature_valid"] as? Bool == true)
        let pairs = try #require(object["pairs"] as? [String: String])
        #expect(
            pairs == [
                "id": "7634", "ip": "7f000001",
                "secp256k1": "03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138", "udp": "765f",
            ]
        )
    }

    @Test(arguments: [
        ("enr:!!!notbase64", "base64"),
        ("IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZnt", "enr:"),
        // The example record with one signature character changed.
        (exampleENR.replacingOccurrences(of: "HCYrYZ", with: "HCYrYa"), "signature"),
    ])
    func decodeRejectsBadInputWithOneLineAndExitCode2(input: String, mentions: String) throws {
        let result = try CLIRunner.run(["enr", "decode", input])
        #expect(result.exitCode == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains(mentions))
    }

    @Test func newSignsARecordThatDecodesBack() throws {
        let result = try CLIRunner.run([
            "enr", "new", "--key", exampleKey, "--ip", "127.0.0.1", "--udp", "30303", "--seq", "3",
        ])
        #expect(result.exitCode == 0)
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.hasPrefix("enr:"))
        let decoded = try parseJSONObject(try CLIRunner.run(["enr", "decode", text, "--json"]).stdout)
        #expect(decoded["seq"] as? Int == 3)
        #expect(decoded["node_id"] as? String == exampleNodeID)
        #expect(decoded["udp"] as? Int == 30303)
    }

    @Test func newWithIPv6AndTCP() throws {
        let result = try CLIRunner.run([
            "enr", "new", "--key", exampleKey, "--ip", "::1", "--udp", "9000", "--tcp", "9001", "--json",
        ])
        #expect(result.exitCode == 0)
        let object = try parseJSONObject(result.stdout)
        #expect(object["ip6"] as? String == "::1")
        #expect(object["udp6"] as? Int == 9000)
        #expect(object["tcp6"] as? Int == 9001)
        #expect(object["ip"] is NSNull)
    }

    @Test(arguments: [
        ["enr", "new", "--key", "abcd", "--ip", "127.0.0.1", "--udp", "1"],
        ["enr", "new", "--key", String(repeating: "0", count: 64), "--ip", "127.0.0.1", "--udp", "1"],
        ["enr", "new", "--key", exampleKey, "--ip", "not-an-ip", "--udp", "1"],
        ["enr", "new", "--key", exampleKey, "--ip", "127.0.0.1", "--udp", "70000"],
        ["enr", "new", "--ip", "127.0.0.1"],
        ["enr", "decode"],
        ["key", "generate", "--bogus-flag"],
        ["no-such-command"],
    ])
    func badUserInputGivesOneLineAndExitCode2(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.exitCode == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "stderr was: \(result.stderr)")
        #expect(!result.stderr.contains(exampleKey), "key material must never be echoed")
    }

    @Test func helpExitsZero() throws {
        let result = try CLIRunner.run(["--help"])
        #expect(result.exitCode == 0)
        #expect(result.stdout.contains("enr"))
    }
}
