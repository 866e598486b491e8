// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// Fans events out to every live ``Node/Events`` iterator, each with its own bounded buffer.
///
/// Called on the event loop once per event (events are rare next to datagrams), so one lock
/// per event is fine.
final class EventBroadcaster: Sendable {
    private struct State {
        var subscribers: [UInt64: AsyncStream<NodeEvent>.Continuation] = [:]
        var nextID: UInt64 = 0
        var finished = false
    }

    private let state = Mutex(State())
    private let bufferSize: Int

    init(bufferSize: Int) {
        self.bufferSize = max(1, bufferSize)
    }

    /// A new stream that receives every event from now on.
    func subscribe() -> AsyncStream<NodeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: NodeEvent.self,
            bufferingPolicy: .bufferingNewest(bufferSize)
        )
        let id: UInt64? = state.withLock { state in
            guard !state.finished else { return nil }
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Whether anyone listens (so the loop can skip building events nobody reads).
    var hasSubscribers: Bool {
        state.withLock { !$0.subscribers.isEmpty }
    }

    /// Delivers an event to every subscriber.
    func yield(_ event: NodeEvent) {
        let targets = state.withLock { Array($0.subscribers.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Ends every stream; later subscribers get an ended stream.
    func finish() {
        let targets = state.withLock { state in
            state.finished = true
            defer { state.subscribers = [:] }
            return Array(state.subscribers.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
