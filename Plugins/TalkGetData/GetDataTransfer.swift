// SPDX-License-Identifier: Apache-2.0

import UTP

/// A value arriving from a `getdata` responder, as chunks: the inline value, or the bytes of its
/// uTP stream, checked against the announced length.
///
/// Iteration ends normally only when exactly ``length`` bytes arrived; the stream is then closed.
/// A stream that ends early throws ``TalkGetDataError`` `shortTransfer`, one carrying more than
/// announced throws `longTransfer` (and is reset), and a reset or timeout throws the stream's
/// `UTPError`: a failed transfer never looks like a complete value. Iterate from one task.
///
/// ```swift
/// let transfer = try await client.getStream(key: Array("big.iso".utf8), from: peer)
/// for try await chunk in transfer { try file.write(contentsOf: chunk) }
/// ```
public struct GetDataTransfer: AsyncSequence, Sendable {
    /// The chunk type.
    public typealias Element = [UInt8]

    /// The value's exact size, as announced.
    public let length: UInt64
    /// The uTP stream carrying the value, or `nil` when it was answered inline.
    public let stream: UTPStream?

    let inlineValue: [UInt8]
    let progress: (@Sendable (_ bytesSoFar: UInt64, _ total: UInt64) -> Void)?
    let permit: TransferPermit?

    init(
        length: UInt64,
        stream: UTPStream?,
        inlineValue: [UInt8] = [],
        progress: (@Sendable (_ bytesSoFar: UInt64, _ total: UInt64) -> Void)?,
        permit: TransferPermit?
    ) {
        self.length = length
        self.stream = stream
        self.inlineValue = inlineValue
        self.progress = progress
        self.permit = permit
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(transfer: self, inbound: self.stream?.inbound.makeAsyncIterator())
    }

    /// Collects the whole value.
    ///
    /// - Returns: Exactly ``length`` bytes.
    /// - Throws: Any error of the iteration (see the type's documentation).
    public func collect() async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(clamping: self.length))
        for try await chunk in self { bytes += chunk }
        return bytes
    }

    /// Reads the chunks, counting them against the announced length.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let transfer: GetDataTransfer
        var inbound: UTPStream.Inbound.AsyncIterator?
        var received: UInt64 = 0
        var done = false

        /// The next chunk, or `nil` once the whole value arrived.
        ///
        /// - Throws: ``TalkGetDataError`` `shortTransfer` or `longTransfer`, the stream's
        ///   `UTPError`, or `CancellationError`.
        public mutating func next() async throws -> [UInt8]? {
            guard !self.done else { return nil }
            guard let stream = self.transfer.stream else {
                self.done = true
                self.transfer.permit?.release()
                self.transfer.progress?(self.transfer.length, self.transfer.length)
                return self.transfer.inlineValue.isEmpty ? nil : self.transfer.inlineValue
            }
            if self.received == self.transfer.length {
                try await self.complete(stream)
                return nil
            }
            let chunk: [UInt8]?
            do {
                chunk = try await self.inbound?.next()
            } catch {
                self.fail(stream)
                throw error
            }
            guard let chunk else {
                self.fail(stream)
                throw TalkGetDataError.make(
                    .shortTransfer,
                    "the stream ended after \(self.received) of \(self.transfer.length) bytes"
                )
            }
            guard UInt64(chunk.count) <= self.transfer.length - self.received else {
                stream.reset()
                self.fail(stream)
                throw TalkGetDataError.make(
                    .longTransfer,
                    "the stream carries more than the announced \(self.transfer.length) bytes"
                )
            }
            self.received += UInt64(chunk.count)
            self.transfer.progress?(self.received, self.transfer.length)
            if chunk.isEmpty { return try await self.next() }
            return chunk
        }

        private mutating func complete(_ stream: UTPStream) async throws {
            self.done = true
            await stream.close()
            self.transfer.permit?.release()
        }

        private mutating func fail(_ stream: UTPStream) {
            self.done = true
            stream.reset()
            self.transfer.permit?.release()
        }
    }
}
