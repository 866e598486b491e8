// SPDX-License-Identifier: Apache-2.0

import DequeModule
import Synchronization

/// The state a ``UTPStream`` shares with its driver: the bounded unread buffer, the connection's end state,
/// the statistics snapshot, and the suspended reader, writer and closer.
///
/// The driver (on its own thread) pushes data and events in; the stream's tasks take data out and wait. One
/// `Mutex` guards it all; continuations are resumed outside the lock. A task waits in at most one role at a
/// time per kind (one reader, one writer); a second concurrent reader or writer is a programming error.
package final class UTPStreamCore: Sendable {
    /// How the inbound direction ended.
    enum InboundEnd: Sendable {
        case open
        case finished
        case failed(UTPError)
    }

    /// What a suspended task waits for.
    package enum WaitKind: Hashable, Sendable {
        case read
        case write(generation: UInt64)
        case connect
        case terminate
    }

    struct Waiter {
        var id: UInt64
        var kind: WaitKind
        var continuation: CheckedContinuation<Void, any Error>
    }

    struct State: ~Copyable {
        var chunks: Deque<[UInt8]> = []
        /// Bytes of `chunks[0]` already read.
        var firstOffset = 0
        var buffered = 0
        var inboundEnd = InboundEnd.open
        var connected = false
        var terminal: UTPCloseReason?
        var writableGeneration: UInt64 = 0
        var finishCalled = false
        var resetCalled = false
        var readPaused = false
        var discarding = false
        var statistics = UTPStatistics()
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0

        func isReady(_ kind: WaitKind) -> Bool {
            switch kind {
            case .read:
                if !self.chunks.isEmpty { return true }
                switch self.inboundEnd {
                case .open: return false
                case .finished, .failed: return true
                }
            case .write(let generation):
                return self.writableGeneration != generation || self.terminal != nil || self.resetCalled
            case .connect:
                return self.connected || self.terminal != nil
            case .terminate:
                return self.terminal != nil
            }
        }

        /// Removes and returns the waiters whose condition now holds.
        mutating func takeReady() -> [CheckedContinuation<Void, any Error>] {
            guard !self.waiters.isEmpty else { return [] }
            var ready: [CheckedContinuation<Void, any Error>] = []
            var index = 0
            while index < self.waiters.count {
                if self.isReady(self.waiters[index].kind) {
                    ready.append(self.waiters.remove(at: index).continuation)
                } else {
                    index += 1
                }
            }
            return ready
        }
    }

    /// The connection this stream reads and writes.
    package let handle: UTPConnectionHandle
    /// A readable name of the peer.
    package let remote: String
    /// Unread bytes above which the driver stops moving data out of the connection (its receive window
    /// then closes).
    package let inboundLimit: Int
    private let state: Mutex<State>

    /// Creates the shared state of a new stream.
    /// - Parameters:
    ///   - handle: The connection.
    ///   - remote: A readable name of the peer.
    ///   - inboundLimit: Most unread bytes buffered in the stream.
    package init(handle: UTPConnectionHandle, remote: String, inboundLimit: Int) {
        self.handle = handle
        self.remote = remote
        self.inboundLimit = max(1, inboundLimit)
        self.state = Mutex(State())
    }

    private func mutate<R>(_ body: (inout State) -> R) -> R {
        let (result, ready) = self.state.withLock { state in
            let result = body(&state)
            return (result, state.takeReady())
        }
        for continuation in ready { continuation.resume() }
        return result
    }

    // MARK: - Driver side (the multiplexer's thread)

    /// Bytes the driver may deliver now (unbounded while the stream discards its input).
    package var inboundRoom: Int {
        self.state.withLock { $0.discarding ? Int.max : max(0, self.inboundLimit - $0.buffered) }
    }

    /// Appends bytes read from the connection.
    /// - Parameters:
    ///   - chunk: The bytes (dropped while discarding).
    ///   - more: Whether the connection still holds bytes that did not fit: the stream then asks the driver
    ///     to ``UTPStreamDriver/resumeReading(_:)`` once its reader made room.
    package func deliver(_ chunk: [UInt8], more: Bool) {
        self.mutate { state in
            if more { state.readPaused = true }
            guard !chunk.isEmpty, !state.discarding, case .open = state.inboundEnd else { return }
            state.buffered += chunk.count
            state.chunks.append(chunk)
        }
    }

    /// The peer's FIN was reached and every byte before it delivered.
    package func finishInbound() {
        self.mutate { state in
            if case .open = state.inboundEnd { state.inboundEnd = .finished }
        }
    }

    /// The handshake completed.
    package func markConnected() {
        self.mutate { $0.connected = true }
    }

    /// Send-buffer room freed up after a short write.
    package func signalWritable() {
        self.mutate { $0.writableGeneration &+= 1 }
    }

    /// Replaces the statistics snapshot.
    /// - Parameters:
    ///   - statistics: The connection's current statistics.
    package func updateStatistics(_ statistics: UTPStatistics) {
        self.state.withLock { $0.statistics = statistics }
    }

    /// The connection reached its terminal state (or the transport closed).
    /// - Parameters:
    ///   - reason: Why.
    ///   - peerFinished: Whether the peer's FIN was reached; the driver then still delivers the remaining
    ///     bytes and calls ``finishInbound()``. Otherwise an unfinished inbound direction fails at once.
    ///   - error: The error for readers and writers, overriding the one derived from `reason`.
    package func terminate(_ reason: UTPCloseReason, peerFinished: Bool, error: UTPError? = nil) {
        self.mutate { state in
            guard state.terminal == nil else { return }
            state.terminal = reason
            guard !peerFinished, case .open = state.inboundEnd else { return }
            state.inboundEnd = .failed(
                error ?? UTPError.forClose(reason) ?? .connectionReset()
            )
            state.chunks.removeAll()
            state.buffered = 0
            state.firstOffset = 0
        }
    }

    /// Why the connection ended, once it has (`nil` while it is open).
    package var closeReason: UTPCloseReason? { self.state.withLock { $0.terminal } }

    /// Whether the stream drops what arrives (closed by its owner).
    package var isDiscarding: Bool { self.state.withLock { $0.discarding } }

    // MARK: - Stream side

    var statistics: UTPStatistics { self.state.withLock { $0.statistics } }

    var writableGeneration: UInt64 { self.state.withLock { $0.writableGeneration } }

    /// The error a write must throw now, if any.
    var writeError: UTPError? {
        self.state.withLock { state in
            if state.resetCalled { return .closed("the stream was reset") }
            if let terminal = state.terminal {
                return UTPError.forClose(terminal) ?? .closed("the connection has closed")
            }
            if state.finishCalled { return .closed("write after finish()") }
            return nil
        }
    }

    /// The error a connect must throw, if the connection ended before it was established.
    package var connectError: UTPError? {
        self.state.withLock { state in
            guard !state.connected, let terminal = state.terminal else { return nil }
            return UTPError.forClose(terminal) ?? .closed("the connection closed during the handshake")
        }
    }

    /// Marks the send side finished; returns whether this was the first call.
    func markFinished() -> Bool {
        self.state.withLock { state in
            defer { state.finishCalled = true }
            return !state.finishCalled
        }
    }

    /// Marks the stream reset locally; returns whether this was the first call.
    func markReset() -> Bool {
        self.mutate { state in
            defer { state.resetCalled = true }
            if case .open = state.inboundEnd { state.inboundEnd = .failed(.closed("the stream was reset")) }
            state.chunks.removeAll()
            state.buffered = 0
            state.firstOffset = 0
            return !state.resetCalled && state.terminal == nil
        }
    }

    /// Drops buffered and future input; returns whether the driver must be told to resume reading.
    func startDiscarding() -> Bool {
        self.mutate { state in
            state.discarding = true
            state.chunks.removeAll()
            state.buffered = 0
            state.firstOffset = 0
            if case .open = state.inboundEnd, state.readPaused {
                state.readPaused = false
                return true
            }
            return false
        }
    }

    /// Takes up to `maxBytes` buffered bytes (`nil` at the end of the stream; throws on failure).
    /// - Returns: The bytes, and whether the driver must be told to resume reading.
    func take(maxBytes: Int) throws(UTPError) -> (bytes: [UInt8]?, resume: Bool)? {
        let result: Result<([UInt8]?, Bool)?, UTPError> = self.state.withLock { state in
            if let first = state.chunks.first {
                let available = first.count - state.firstOffset
                let bytes: [UInt8]
                if state.firstOffset == 0, available <= maxBytes {
                    bytes = first
                    state.chunks.removeFirst()
                } else {
                    let count = min(available, maxBytes)
                    bytes = Array(first[state.firstOffset..<(state.firstOffset + count)])
                    state.firstOffset += count
                    if state.firstOffset == first.count {
                        state.chunks.removeFirst()
                        state.firstOffset = 0
                    }
                }
                state.buffered -= bytes.count
                var resume = false
                if state.readPaused, state.buffered <= self.inboundLimit / 2 {
                    state.readPaused = false
                    resume = true
                }
                return .success((bytes, resume))
            }
            switch state.inboundEnd {
            case .open: return .success(nil)
            case .finished: return .success(([UInt8]?.none, false))
            case .failed(let error): return .failure(error)
            }
        }
        return try result.get()
    }

    /// Suspends until `kind` is ready; throws `CancellationError` if the task is cancelled.
    package func wait(for kind: WaitKind) async throws {
        let id = self.state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = self.state.withLock { state in
                    if state.isReady(kind) { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    precondition(
                        !state.waiters.contains { $0.kind == kind },
                        "UTPStream: one concurrent \(kind) at a time"
                    )
                    state.waiters.append(Waiter(id: id, kind: kind, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = self.state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }
}
