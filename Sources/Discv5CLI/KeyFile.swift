// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing private-key files: hex text, mode 0600.
enum KeyFile {
    /// Writes a key as hex to a new file created with mode 0600.
    ///
    /// The file must not exist yet: silently replacing a node's identity is never what a user wants.
    /// The key is written and `fsync`ed under a temporary name, then linked to `path` (which fails if
    /// `path` exists), so a crash never leaves a partial key file under that name.
    static func create(_ key: Secp256k1.PrivateKey, at path: String) throws(CLIError) {
        var status = stat()
        guard stat(path, &status) != 0 else {
            throw .badInput("cannot create key file \(path): \(String(cString: strerror(EEXIST)))")
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = (slash == nil ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw .badInput("cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        // The umask can only remove bits; make the mode exact regardless.
        fchmod(descriptor, 0o600)
        let text = Array((key.hexString + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = written == text.count && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard synced else {
            throw .failure("cannot write key file \(path): \(String(cString: strerror(writeError)))")
        }
        guard link(temporary, path) == 0 else {
            throw .badInput("cannot create key file \(path): \(String(cString: strerror(errno)))")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Reads a hex key from a file, refusing files that group or others may read.
    static func read(from path: String) throws(CLIError) -> Secp256k1.PrivateKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .badInput("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw .badInput(
                "key file \(path) is readable by group or others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(path)"
            )
        }
        guard status.st_size <= 1024 else { throw .badInput("key file \(path) is too large to be a key") }
        guard let file = fopen(path, "r") else {
            throw .badInput("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 1025)
        let count = fread(&buffer, 1, 1024, file)
        let text = String(decoding: buffer.prefix(count), as: UTF8.self).trimmingWhitespace()
        return try parseKey(text, source: "key file \(path)")
    }

    /// Parses a hex private key with a one-line error naming what is wrong.
    static func parseKey(_ text: String, source: String = "--key") throws(CLIError) -> Secp256k1.PrivateKey {
        do {
            return try Secp256k1.PrivateKey(hex: text)
        } catch {
            throw .badInput("\(source): \(error)")
        }
    }
}

extension String {
    /// The string without leading and trailing white space and newlines.
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
