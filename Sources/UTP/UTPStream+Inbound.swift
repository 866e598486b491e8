// SPDX-License-Identifier: Apache-2.0

extension UTPStream {
    /// The bytes a ``UTPStream`` receives, as chunks in arrival order.
    ///
    /// The sequence ends normally only at the peer's FIN; a reset, timeout or local close throws
    /// ``UTPError``. Iterating keeps the stream alive. Iterate it from one task at a time.
    public struct Inbound: AsyncSequence, Sendable {
        /// The chunk type.
        public typealias Element = [UInt8]

        let stream: UTPStream

        /// Creates the iterator.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(stream: self.stream)
        }

        /// Collects every chunk until the peer's FIN.
        /// - Parameters:
        ///   - maxBytes: The most bytes accepted.
        /// - Returns: All bytes.
        /// - Throws: ``UTPError`` `bufferLimitExceeded` past `maxBytes`, or any stream error.
        public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
            try await self.stream.readToEnd(maxBytes: maxBytes)
        }

        /// Iterates the chunks.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let stream: UTPStream

            /// The next chunk, or `nil` at the peer's FIN.
            /// - Throws: ``UTPError`` or `CancellationError`.
            public mutating func next() async throws -> [UInt8]? {
                try await self.stream.next(maxBytes: .max)
            }
        }
    }
}
