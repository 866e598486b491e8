// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a node keeps what must survive a restart:
///
/// - `node.key`: the private key as hex, mode 0600, created when missing. A key file that
///   group or others may read is refused (``Discv5Error/Code/insecureKeyFile``).
/// - `enr-seq`: the `seq` of the last record the node used, so a restarted node's record
///   supersedes the old one (its `seq` is higher).
/// - `nodes.json`: the live routing-table records (`{"nodes": ["enr:…", …]}`), written
///   periodically and at shutdown, loaded at start as extra bootnodes.
///
/// Every file is written atomically: a temporary file is written and `fsync`ed, renamed over
/// the old one, and the directory is `fsync`ed.
public struct NodeDataDirectory: Sendable, Hashable {
    /// The directory's path.
    public let path: String

    /// The key file's name.
    public static let keyFileName = "node.key"
    /// The record-seq file's name.
    public static let seqFileName = "enr-seq"
    /// The table file's name.
    public static let nodesFileName = "nodes.json"
    /// The most bytes read from the table file (a bound against a corrupted file).
    public static let maximumNodesFileSize = 4 << 20

    /// Names a data directory (created, mode 0700, when first needed).
    ///
    /// - Parameters:
    ///   - path: The directory's path.
    public init(path: String) {
        self.path = path
    }

    /// The key file's path.
    public var keyFilePath: String { path + "/" + Self.keyFileName }

    /// Reads the node's key, creating a fresh one (mode 0600) when there is none.
    ///
    /// - Returns: The key.
    /// - Throws: ``Discv5Error`` `insecureKeyFile` for a group/other-readable or malformed key
    ///   file, `storageFailed` when the directory or file cannot be read or written.
    public func loadOrCreateKey() throws -> Secp256k1.PrivateKey {
        try createDirectory()
        var status = stat()
        if stat(keyFilePath, &status) == 0 {
            return try Self.readKey(at: keyFilePath)
        }
        let key = Secp256k1.PrivateKey()
        try atomicWrite(Self.keyFileName, Array((key.hexString + "\n").utf8), mode: 0o600)
        return key
    }

    /// Reads a hex key file, refusing one that group or others may read.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    /// - Returns: The key.
    /// - Throws: ``Discv5Error`` `insecureKeyFile` or `storageFailed`.
    public static func readKey(at path: String) throws -> Secp256k1.PrivateKey {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw Discv5Error.storageFailed("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw Discv5Error(
                .insecureKeyFile,
                "key file \(path) is readable by group or others (mode \(String(status.st_mode & 0o777, radix: 8))); run chmod 600 \(path)"
            )
        }
        guard let bytes = readFile(path, limit: 1024) else {
            throw Discv5Error.storageFailed("cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        do {
            return try Secp256k1.PrivateKey(hex: text)
        } catch {
            throw Discv5Error(.insecureKeyFile, "key file \(path) does not hold a hex private key: \(error)")
        }
    }

    /// The `seq` of the last record stored, if any.
    ///
    /// - Returns: The stored `seq`, or `nil` when none is stored (or the file is unreadable).
    public func storedSeq() -> UInt64? {
        guard let bytes = Self.readFile(path + "/" + Self.seqFileName, limit: 64) else { return nil }
        return UInt64(String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace })
    }

    /// Stores a record's `seq`.
    ///
    /// - Parameters:
    ///   - seq: The `seq` in use.
    /// - Throws: ``Discv5Error`` `storageFailed`.
    public func storeSeq(_ seq: UInt64) throws {
        try createDirectory()
        try atomicWrite(Self.seqFileName, Array("\(seq)\n".utf8), mode: 0o644)
    }

    /// The records stored by the last ``storeNodes(_:)``; unreadable entries are skipped.
    ///
    /// - Returns: The records, or none when there is no file.
    public func storedNodes() -> [ENR] {
        guard let bytes = Self.readFile(path + "/" + Self.nodesFileName, limit: Self.maximumNodesFileSize),
            let file = try? JSONDecoder().decode(NodesFile.self, from: Data(bytes))
        else { return [] }
        return file.nodes.compactMap { try? ENR(text: $0) }
    }

    /// Stores records (replacing the previous set).
    ///
    /// - Parameters:
    ///   - records: The records to keep.
    /// - Throws: ``Discv5Error`` `storageFailed`.
    public func storeNodes(_ records: [ENR]) throws {
        try createDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(NodesFile(nodes: records.map(\.text))) else {
            throw Discv5Error.storageFailed("cannot encode the table")
        }
        try atomicWrite(Self.nodesFileName, Array(data) + [0x0A], mode: 0o644)
    }

    /// Deletes temporary files that a killed process left behind (a write interrupted before its
    /// rename). Only files named like this type's own temporaries, and only those of processes
    /// that no longer exist, are removed; the files they were meant to replace are untouched.
    /// ``Node/start(configuration:privateKey:bootnodes:)`` calls it.
    ///
    /// - Returns: The number of files removed.
    @discardableResult
    public func removeStaleTemporaryFiles() -> Int {
        guard let directory = opendir(path) else { return 0 }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            names.append(name)
        }
        closedir(directory)
        var removed = 0
        let finals = [Self.keyFileName, Self.seqFileName, Self.nodesFileName]
        for name in names {
            guard
                let final = finals.first(where: { name.hasPrefix("." + $0 + Self.temporaryMarker) }),
                let owner = pid_t(
                    name.dropFirst(1 + final.utf8.count + Self.temporaryMarker.utf8.count).prefix { $0 != "-" }
                ),
                owner != getpid(),
                kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            if unlink(path + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    // MARK: - Files

    /// Between a file's name and the writer's process id in a temporary file's name.
    private static let temporaryMarker = ".tmp-"
    /// Numbers this process's temporaries: two writes of one file at once (the periodic save and
    /// the one at shutdown) each rename a whole file of their own, never a mix of both.
    private static let temporaryCounter = Atomic<UInt64>(0)

    private struct NodesFile: Codable {
        var nodes: [String]
    }

    private func createDirectory() throws {
        var status = stat()
        if stat(path, &status) == 0 { return }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw Discv5Error.storageFailed("cannot create data directory \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `name` atomically: temp file, fsync, rename, fsync of the directory.
    private func atomicWrite(_ name: String, _ bytes: [UInt8], mode: mode_t) throws {
        let target = path + "/" + name
        let number = Self.temporaryCounter.wrappingAdd(1, ordering: .relaxed).newValue
        let temporary = path + "/." + name + Self.temporaryMarker + "\(getpid())-\(number)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw Discv5Error.storageFailed("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        fchmod(descriptor, mode)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                break
            }
            offset += written
        }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard offset == bytes.count, synced, rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Discv5Error.storageFailed("cannot write \(target): \(reason)")
        }
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// A whole file, or `nil` when it cannot be read or is larger than `limit`.
    private static func readFile(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result += chunk.prefix(count)
            if result.count > limit { return nil }
        }
    }
}
