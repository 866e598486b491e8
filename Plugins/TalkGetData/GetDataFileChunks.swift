// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The first `length` bytes of a file as chunks: exactly the length a ``GetDataServer`` announced.
///
/// The file is opened when iteration starts. A file that has grown is cut at `length`; a file that
/// has shrunk (it ends before `length` bytes) makes the iteration throw, so the uTP stream is reset
/// and the requester sees a failed transfer, never a short value that looks complete.
public struct GetDataFileChunks: AsyncSequence, Sendable {
    /// The chunk type.
    public typealias Element = [UInt8]

    /// The file's path.
    public let path: String
    /// The number of bytes produced in total.
    public let length: UInt64
    /// The largest chunk, in bytes.
    public let chunkSize: Int

    /// Makes the sequence.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - length: The exact number of bytes to produce (the length announced to the requester).
    ///   - chunkSize: The largest chunk, in bytes (default 64 KiB).
    public init(path: String, length: UInt64, chunkSize: Int = 64 * 1024) {
        self.path = path
        self.length = length
        self.chunkSize = Swift.max(1, chunkSize)
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(path: self.path, remaining: self.length, chunkSize: self.chunkSize)
    }

    /// Reads the file chunk by chunk.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let path: String
        var remaining: UInt64
        let chunkSize: Int
        var handle: FileHandle?

        init(path: String, remaining: UInt64, chunkSize: Int) {
            self.path = path
            self.remaining = remaining
            self.chunkSize = chunkSize
        }

        /// The next chunk, or `nil` once `length` bytes were produced.
        ///
        /// - Throws: ``TalkGetDataError`` with code `shortTransfer` when the file ends early, or
        ///   the file system's error when it cannot be opened or read.
        public mutating func next() async throws -> [UInt8]? {
            guard self.remaining > 0 else {
                try? self.handle?.close()
                self.handle = nil
                return nil
            }
            if self.handle == nil {
                guard let handle = FileHandle(forReadingAtPath: self.path) else {
                    throw TalkGetDataError.make(.notFound, "cannot open \(self.path)")
                }
                self.handle = handle
            }
            let wanted = Int(Swift.min(UInt64(self.chunkSize), self.remaining))
            let data = try self.handle?.read(upToCount: wanted) ?? Data()
            guard !data.isEmpty else {
                try? self.handle?.close()
                self.handle = nil
                throw TalkGetDataError.make(
                    .shortTransfer,
                    "\(self.path) ended \(self.remaining) byte(s) before the announced length"
                )
            }
            self.remaining -= UInt64(data.count)
            return [UInt8](data)
        }
    }
}
