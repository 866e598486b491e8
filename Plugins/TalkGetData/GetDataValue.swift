// SPDX-License-Identifier: Apache-2.0

/// A value a ``GetDataStore`` holds for a key: bytes in memory, or a file to stream.
public enum GetDataValue: Hashable, Sendable {
    /// The value's bytes.
    case bytes([UInt8])
    /// A regular file whose contents are the value.
    ///
    /// - `path`: the file's absolute path.
    /// - `size`: its size in bytes when the store looked it up (the length announced to the requester).
    case file(path: String, size: UInt64)

    /// The value's size in bytes.
    public var size: UInt64 {
        switch self {
        case .bytes(let bytes): UInt64(bytes.count)
        case .file(_, let size): size
        }
    }

    /// Whether the value is small enough to answer inline (see ``GetData/fitsInline(length:)``).
    public var fitsInline: Bool {
        GetData.fitsInline(length: self.size)
    }
}
