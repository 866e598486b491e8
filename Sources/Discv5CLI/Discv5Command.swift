// SPDX-License-Identifier: Apache-2.0

import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `discv5` tool: keys, node records, and (as the node grows) a running node.
///
/// Exit codes: 0 success; 1 the operation failed (a timeout, a refused connection);
/// 2 the user's input was wrong (a malformed ENR, a bad flag), with one line on stderr.
@main
struct Discv5Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discv5",
        abstract: "A Node Discovery Protocol v5 node with uTP.",
        subcommands: [
            KeyCommand.self, ENRCommand.self, RunCommand.self, PingCommand.self, FindNodeCommand.self,
            TalkCommand.self, LookupCommand.self, UTPCatCommand.self, GetCommand.self, DemoCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            printError(error.message)
            terminate(error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                terminate(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            printError(message)
            // Anything the argument parser rejects is the user's input: exit 2.
            terminate(code == .failure ? 1 : 2)
        }
    }
}

/// Writes one line to standard error, prefixed with the tool's name.
func printError(_ message: String) {
    let line = Array("discv5: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Ends the process with an exit code.
func terminate(_ code: Int32) -> Never {
    exit(code)
}
