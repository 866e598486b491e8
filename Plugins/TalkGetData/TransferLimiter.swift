// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A counting semaphore per key (a peer's node id): at most `limit` holders per key at once;
/// further acquirers wait in arrival order. Cancelling a waiter makes it throw `CancellationError`.
final class TransferLimiter<Key: Hashable & Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var active: [Key: Int] = [:]
        var waiters: [Key: [Waiter]] = [:]
        var nextID: UInt64 = 0
        /// Acquirers whose continuation is not set up yet.
        var starting: Set<UInt64> = []
        /// Those of `starting` that were cancelled meanwhile (the cancellation handler ran first).
        var cancelled: Set<UInt64> = []
    }

    /// The most holders per key.
    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a slot for `key` and returns the permit that gives it back (at the latest when
    /// the permit is deallocated).
    func acquire(_ key: Key) async throws -> TransferPermit {
        try Task.checkCancellation()
        let id = self.state.withLock { state in
            state.nextID += 1
            state.starting.insert(state.nextID)
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = self.state.withLock { state -> Bool? in
                    state.starting.remove(id)
                    if state.cancelled.remove(id) != nil { return false }
                    if state.active[key, default: 0] < self.limit {
                        state.active[key, default: 0] += 1
                        return true
                    }
                    state.waiters[key, default: []].append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: CancellationError())
                case nil: break
                }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> Waiter? in
                guard let index = state.waiters[key]?.firstIndex(where: { $0.id == id }) else {
                    // Not queued: either not set up yet (then the setup sees this and throws) or
                    // already granted (then the permit stands and nothing is recorded).
                    if state.starting.contains(id) { state.cancelled.insert(id) }
                    return nil
                }
                return state.waiters[key]?.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        return TransferPermit { self.release(key) }
    }

    private func release(_ key: Key) {
        let next = self.state.withLock { state -> Waiter? in
            if var queue = state.waiters[key], !queue.isEmpty {
                let waiter = queue.removeFirst()
                state.waiters[key] = queue.isEmpty ? nil : queue
                return waiter  // The slot passes straight to the waiter.
            }
            let count = state.active[key, default: 1] - 1
            state.active[key] = count > 0 ? count : nil
            return nil
        }
        next?.continuation.resume()
    }
}
