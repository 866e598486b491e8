// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Where a fetched value goes: a file (removed again if the transfer fails), stdout, or nowhere.
final class OutputSink: @unchecked Sendable {
    private let path: String?
    private let file: FileHandle?
    private let discard: Bool

    /// Opens the destination.
    ///
    /// - Parameters:
    ///   - path: The file to create or truncate, or `nil` for stdout.
    ///   - discard: Drop the bytes (with `path == nil`).
    /// - Throws: ``CLIError`` `badInput` when the file cannot be created.
    init(path: String?, discard: Bool) throws(CLIError) {
        self.path = path
        self.discard = discard
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let file = FileHandle(forWritingAtPath: path)
            else {
                throw .badInput("--out: cannot create \(path)")
            }
            self.file = file
        } else {
            self.file = nil
        }
    }

    /// Writes one chunk. Called from one task at a time.
    func write(_ bytes: [UInt8]) throws {
        if let file {
            do {
                try file.write(contentsOf: bytes)
            } catch {
                throw CLIError.failure("writing \(self.path ?? "output"): \(error.localizedDescription)")
            }
        } else if !self.discard {
            try StandardOutput.write(bytes)
        }
    }

    /// Closes the file after a complete transfer.
    func close() throws {
        try self.file?.close()
    }

    /// Closes and removes the file after a failed transfer, so no partial file remains.
    func abandon() {
        try? self.file?.close()
        if let path { try? FileManager.default.removeItem(atPath: path) }
    }
}
