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

    private struct State {
        var waiting: [UInt64: Continuation] = [:]
        var cancelledEarly: Set<UInt64> = []
        var nextTicket: UInt64 = 0
        var closed = false
    }

    private let state = Mutex(State())

    /// A new ticket number.
    func makeTicket() -> UInt64 {
        state.withLock { state in
            state.nextTicket += 1
            return state.nextTicket
        }
    }

    /// Installs the continuation for a ticket; on refusal it has already been resumed.
    ///
    /// - Returns: `false` when the node is shut down or the ticket was cancelled first.
    func install(_ ticket: UInt64, _ continuation: Continuation) -> Bool {
        let refusal: (any Error)? = state.withLock { state in
            if state.closed { return Discv5Error.nodeShutDown() }
            if state.cancelledEarly.remove(ticket) != nil { return CancellationError() }
            state.waiting[ticket] = continuation
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
        let continuation = state.withLock { $0.waiting.removeValue(forKey: ticket) }
        continuation?.resume(with: result)
    }

    /// Resumes a ticket's caller with `CancellationError` (or remembers the cancellation when
    /// the continuation is not installed yet).
    func cancel(_ ticket: UInt64) {
        let continuation: Continuation? = state.withLock { state in
            if let continuation = state.waiting.removeValue(forKey: ticket) { return continuation }
            if !state.closed { state.cancelledEarly.insert(ticket) }
            return nil
        }
        continuation?.resume(throwing: CancellationError())
    }

    /// Refuses every later ticket and fails every waiting caller with `error`.
    func close(failingWith error: Discv5Error) {
        let waiting = state.withLock { state in
            state.closed = true
            state.cancelledEarly = []
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for continuation in waiting { continuation.resume(throwing: error) }
    }

    /// The number of callers waiting.
    var count: Int {
        state.withLock { $0.waiting.count }
    }
}
