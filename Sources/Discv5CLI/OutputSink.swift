// SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a fetched value goes: a file, stdout, or nowhere.
///
/// A file is written under a temporary name next to it and renamed into place only after a
/// complete transfer (after `fsync`), so the named file never holds a partial value, even when
/// the process is killed mid-transfer; an existing file keeps its content until then.
final class OutputSink: @unchecked Sendable {
    private let path: String?
    private let temporaryPath: String?
    private let file: FileHandle?
    private let discard: Bool

    /// Opens the destination.
    ///
    /// - Parameters:
    ///   - path: The file to create or replace, or `nil` for stdout.
    ///   - discard: Drop the bytes (with `path == nil`).
    /// - Throws: ``CLIError`` `badInput` when the file cannot be created.
    init(path: String?, discard: Bool) throws(CLIError) {
        self.path = path
        self.discard = discard
        if let path {
            let url = URL(fileURLWithPath: path)
            let temporary = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).part-\(ProcessInfo.processInfo.processIdentifier)")
                .path
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                let file = FileHandle(forWritingAtPath: temporary)
            else {
                throw .badInput("--out: cannot create \(path)")
            }
            self.temporaryPath = temporary
            self.file = file
        } else {
            self.temporaryPath = nil
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

    /// Closes the file after a complete transfer and moves it into place.
    func close() throws {
        guard let file, let path, let temporaryPath else { return }
        do {
            try file.synchronize()
            try file.close()
            guard rename(temporaryPath, path) == 0 else {
                throw CLIError.failure("--out: cannot rename into \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw error
        }
    }

    /// Closes and removes the temporary file after a failed transfer: no partial file remains.
    func abandon() {
        try? self.file?.close()
        if let temporaryPath { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }
}
