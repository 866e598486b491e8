// SPDX-License-Identifier: Apache-2.0

import Synchronization
import UTP

/// Accepted connections waiting for `accept()`: filled on the event loop, drained by any task. Bounded; a
/// connection that finds it full is reset by the engine.
final class UTPAcceptQueue: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<UTPStreamCore?, any Error>
    }

    private struct State: ~Copyable {
        var ready: [UTPStreamCore] = []
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        var isClosed = false
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Hands a new connection to a waiting `accept()` or queues it; `false` when full or closed.
    func push(_ core: UTPStreamCore) -> Bool {
        let outcome: (Bool, CheckedContinuation<UTPStreamCore?, any Error>?) = self.state.withLock { state in
            guard !state.isClosed else { return (false, nil) }
            if !state.waiters.isEmpty { return (true, state.waiters.removeFirst().continuation) }
            guard state.ready.count < self.capacity else { return (false, nil) }
            state.ready.append(core)
            return (true, nil)
        }
        outcome.1?.resume(returning: core)
        return outcome.0
    }

    /// Ends every pending and later `pop()` with `nil`.
    func close() {
        let waiters = self.state.withLock { state in
            state.isClosed = true
            state.ready.removeAll()
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
    }

    /// The next accepted connection, or `nil` once the queue is closed.
    func pop() async throws -> UTPStreamCore? {
        let id = self.state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<UTPStreamCore?, any Error>) in
                let outcome: Result<UTPStreamCore?, any Error>? = self.state.withLock { state in
                    if !state.ready.isEmpty { return .success(state.ready.removeFirst()) }
                    if state.isClosed { return .success(nil) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = self.state.withLock { state -> CheckedContinuation<UTPStreamCore?, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
