// SPDX-License-Identifier: Apache-2.0

/// An error the tool reports as one line on stderr with a specific exit code.
struct CLIError: Error {
    /// The line to print (without the `discv5:` prefix).
    let message: String
    /// The process exit code.
    let exitCode: Int32

    /// The user's input is wrong: exit code 2.
    static func badInput(_ message: String) -> CLIError { CLIError(message: message, exitCode: 2) }

    /// The operation failed: exit code 1.
    static func failure(_ message: String) -> CLIError { CLIError(message: message, exitCode: 1) }
}
