// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Synchronization

/// The callers waiting for engine operations, by ticket.
///
/// The event loop maps each engine ``OperationID`` to a ticket and resumes it here when the
/// operation completes. The registry sits behind a lock (not on the loop alone) because two
/// other parties must reach it without a hop that might never run: task cancellation, and
/// ``Node/shutdown()``, which fails every waiter even after the transport stopped running
/// closures. One lock per operation, never per datagram.
final class PendingOperations: Sendable {
    typealias Continuation = CheckedContinuation<Discv5Engine.OperationResult, any Error>

    /// A ticket's life: reserved by the caller, then waiting on its continuation; a
    /// cancellation that comes before the continuation is installed is remembered in the slot.
    /// Every slot is removed when its caller is resumed, so nothing accumulates.
    private enum Slot {
        case reserved
        case waiting(Continuation)
        case cancelled
    }

    private struct State {
        var slots: [UInt64: Slot] = [:]
        var nextTicket: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// A new ticket number.
    func makeTicket() -> UInt64 {
        state.withLock { state in
            state.nextTicket += 1
            state.slots[state.nextTicket] = .reserved
            return state.nextTicket
        }
    }

    /// Installs the continuation for a ticket; on refusal it has already been resumed.
    ///
    /// - Returns: `false` when the node is shut down or the ticket was cancelled first.
    func install(_ ticket: UInt64, _ continuation: Continuation) -> Bool {
        let refusal: (any Error)? = state.withLock { state in
            if state.closed {
                state.slots[ticket] = nil
                return Discv5Error.nodeShutDown()
            }
            guard case .reserved = state.slots[ticket] else {
                state.slots[ticket] = nil
                return CancellationError()
            }
            state.slots[ticket] = .waiting(continuation)
            return nil
        }
        if let refusal {
            continuation.resume(throwing: refusal)
            return false
        }
        return true
    }

    /// Resumes a ticket's caller, if it still waits.
    func resume(_ ticket: UInt64, with result: Result<Discv5Engine.OperationResult, any Error>) {
        let continuation: Continuation? = state.withLock { state in
            guard case .waiting(let continuation) = state.slots[ticket] else { return nil }
            state.slots[ticket] = nil
            return continuation
        }
        continuation?.resume(with: result)
    }

    /// Resumes a ticket's caller with `CancellationError`, or marks the ticket cancelled when
    /// its continuation is not installed yet. Does nothing for a finished ticket.
    func cancel(_ ticket: UInt64) {
        let continuation: Continuation? = state.withLock { state in
            switch state.slots[ticket] {
            case .waiting(let continuation):
                state.slots[ticket] = nil
                return continuation
            case .reserved:
                state.slots[ticket] = .cancelled
                return nil
            case .cancelled, nil:
                return nil
            }
        }
        continuation?.resume(throwing: CancellationError())
    }

    /// Refuses every later ticket and fails every waiting caller with `error`.
    func close(failingWith error: Discv5Error) {
        let waiting: [Continuation] = state.withLock { state in
            state.closed = true
            defer { state.slots = [:] }
            return state.slots.values.compactMap { slot in
                if case .waiting(let continuation) = slot { return continuation }
                return nil
            }
        }
        for continuation in waiting { continuation.resume(throwing: error) }
    }

    /// The number of callers waiting.
    var count: Int {
        state.withLock { state in
            state.slots.values.reduce(0) { count, slot in
                if case .waiting = slot { return count + 1 }
                return count
            }
        }
    }
}
