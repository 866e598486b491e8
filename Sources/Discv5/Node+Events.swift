// SPDX-License-Identifier: Apache-2.0

extension Node {
    /// The node's events as an `AsyncSequence`.
    ///
    /// Multi-consumer: every iterator made from it gets its own copy of every event emitted
    /// after the iterator was made, in a buffer of
    /// ``NodeConfiguration/eventBufferSize`` events; when a slow consumer lets it fill, the
    /// oldest events are dropped. Iteration ends when the node shuts down.
    public struct Events: AsyncSequence, Sendable {
        /// The element type.
        public typealias Element = NodeEvent

        let broadcaster: EventBroadcaster

        /// Makes an iterator that receives the events emitted from now on.
        ///
        /// - Returns: The iterator.
        public func makeAsyncIterator() -> Iterator {
            Iterator(base: broadcaster.subscribe().makeAsyncIterator())
        }

        /// Collects events until `count` arrived or the node shut down.
        ///
        /// - Parameters:
        ///   - count: The most events to collect.
        /// - Returns: The events, oldest first.
        public func collect(upTo count: Int) async -> [NodeEvent] {
            var result: [NodeEvent] = []
            var iterator = makeAsyncIterator()
            while result.count < count, let event = await iterator.next() { result.append(event) }
            return result
        }

        /// Iterates ``Node/Events``.
        public struct Iterator: AsyncIteratorProtocol {
            var base: AsyncStream<NodeEvent>.Iterator

            /// The next event, or `nil` once the node shut down (or the task was cancelled).
            ///
            /// - Returns: The event.
            public mutating func next() async -> NodeEvent? {
                await base.next()
            }
        }
    }
}
