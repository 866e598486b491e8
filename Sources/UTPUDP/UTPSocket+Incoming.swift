// SPDX-License-Identifier: Apache-2.0

import UTP

extension UTPSocket {
    /// Accepted streams in arrival order; ends when the socket closes.
    public struct Incoming: AsyncSequence, Sendable {
        /// The element type.
        public typealias Element = UTPStream

        let socket: UTPSocket

        /// Creates the iterator.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(socket: self.socket)
        }

        /// Iterates accepted streams.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let socket: UTPSocket

            /// The next accepted stream, or `nil` once the socket is closed.
            /// - Throws: `CancellationError`.
            public mutating func next() async throws -> UTPStream? {
                try await self.socket.acceptOrNil()
            }
        }
    }
}
