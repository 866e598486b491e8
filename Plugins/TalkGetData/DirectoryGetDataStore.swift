// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A ``GetDataStore`` serving the regular files of one directory, keyed by file name.
///
/// A key is a file name directly inside the root directory, never a path. Keys that could
/// leave the directory or reach what is not meant to be served are refused before the file system
/// is touched (see ``fileName(for:)``); symbolic links, directories and other non-regular files
/// are reported as missing.
public struct DirectoryGetDataStore: GetDataStore {
    /// The directory whose files are served, as an absolute, standardized path.
    public let root: String

    /// Makes a store for a directory.
    ///
    /// - Parameters:
    ///   - root: The directory to serve.
    /// - Throws: ``TalkGetDataError`` with code `invalidDirectory` when `root` is not an existing directory.
    public init(root: String) throws(TalkGetDataError) {
        let url = URL(fileURLWithPath: root).standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidDirectory(root)
        }
        self.root = url.path
    }

    /// The file name a key stands for, or an error when the key must not name a file.
    ///
    /// A key is accepted when it is 1 to ``GetData/maximumKeyLength`` bytes of valid UTF-8 with
    /// no `/`, `\`, NUL or other control character, and does not start with `.` (which excludes
    /// `.`, `..` and hidden files).
    ///
    /// - Parameters:
    ///   - key: The requested key.
    /// - Returns: The file name.
    /// - Throws: ``TalkGetDataError`` with code `invalidKeyLength` or `invalidKeyName`.
    public static func fileName(for key: [UInt8]) throws(TalkGetDataError) -> String {
        guard (1...GetData.maximumKeyLength).contains(key.count) else {
            throw .invalidKeyLength(key.count, offset: nil)
        }
        guard let name = String(validating: key, as: UTF8.self) else {
            throw .invalidKeyName("key is not valid UTF-8")
        }
        guard key[0] != UInt8(ascii: ".") else {
            throw .invalidKeyName("key starts with '.' (dot entries and hidden files are not served)")
        }
        for byte in key where byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\\") {
            throw .invalidKeyName("key contains the byte \(byte), which cannot be part of a served file name")
        }
        return name
    }

    /// The file stored under a key.
    ///
    /// - Parameters:
    ///   - key: The requested key, a file name (see ``fileName(for:)``).
    /// - Returns: `.file(path:size:)` for a regular file, or `nil` when there is none by that name.
    /// - Throws: ``TalkGetDataError`` with code `invalidKeyLength` or `invalidKeyName` for a key
    ///   that cannot name a file here.
    public func value(for key: [UInt8]) async throws -> GetDataValue? {
        let name = try Self.fileName(for: key)
        let path = self.root.hasSuffix("/") ? self.root + name : self.root + "/" + name
        // `attributesOfItem` does not follow a final symbolic link, so a link reports its own type.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            attributes[.type] as? FileAttributeType == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.uint64Value
        else {
            return nil
        }
        return .file(path: path, size: size)
    }
}
