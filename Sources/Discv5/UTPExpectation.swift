// SPDX-License-Identifier: Apache-2.0

import Synchronization
import UTP

/// A connection id handed out by a listener: "expect a SYN from this peer with this id".
///
/// Made by ``UTPService/expect(from:)`` before the sub-protocol sends the response carrying
/// ``connectionID``. ``accept()`` waits for the peer's SYN and returns the stream; after the expectation's
/// lifetime (``UTPServiceConfiguration/expectationLifetime``, 20 s by default) without a SYN it throws
/// ``UTPError`` `timedOut`. ``cancel()`` (or dropping the last reference) withdraws it, and resets the
/// connection if the SYN came but the stream was never taken.
public final class UTPExpectation: Sendable {
    private enum Phase {
        case waiting
        case arrived(UTPStreamCore)
        case failed(UTPError)
        case taken
        case cancelled
    }

    private struct State: ~Copyable {
        var phase = Phase.waiting
        var handle: UTPConnectionHandle?
        var waiter: CheckedContinuation<UTPStreamCore, any Error>?
        var waiterID: UInt64 = 0
    }

    /// `X`, the id to put in the response: the peer's SYN carries it; we receive on `X+1` and send on `X`.
    public let connectionID: UInt16
    /// Who may connect.
    let peer: UTPPeer
    private let service: UTPServiceCore
    private let state = Mutex(State())

    init(connectionID: UInt16, peer: UTPPeer, service: UTPServiceCore) {
        self.connectionID = connectionID
        self.peer = peer
        self.service = service
    }

    deinit {
        let handle = self.state.withLock { state -> UTPConnectionHandle? in
            switch state.phase {
            case .waiting, .arrived: return state.handle
            case .failed, .taken, .cancelled: return nil
            }
        }
        if let handle { Self.withdraw(handle, service: self.service) }
    }

    /// Our receive id, `X+1`.
    var receiveID: UInt16 { self.connectionID &+ 1 }

    /// Waits for the peer's SYN.
    ///
    /// - Returns: The connected stream (we may write at once; the peer's first packet was the SYN).
    /// - Throws: ``UTPError`` `timedOut` when the expectation expired, `closed` after ``cancel()``, a second
    ///   `accept()`, or node shutdown; `CancellationError` when the calling task is cancelled (the
    ///   expectation stays and another `accept()` may follow).
    public func accept() async throws -> UTPStream {
        let id = self.state.withLock { state in
            state.waiterID &+= 1
            return state.waiterID
        }
        let core = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<UTPStreamCore, any Error>) in
                let outcome: Result<UTPStreamCore, any Error>? = self.state.withLock { state in
                    switch state.phase {
                    case .arrived(let core):
                        state.phase = .taken
                        return .success(core)
                    case .failed(let error): return .failure(error)
                    case .taken: return .failure(UTPError.closed("the expectation's stream was already accepted"))
                    case .cancelled: return .failure(UTPError.closed("the expectation was cancelled"))
                    case .waiting:
                        if Task.isCancelled { return .failure(CancellationError()) }
                        guard state.waiter == nil else {
                            return .failure(UTPError.closed("another accept() is already waiting"))
                        }
                        state.waiter = continuation
                        state.waiterID = id
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = self.state.withLock { state -> CheckedContinuation<UTPStreamCore, any Error>? in
                guard state.waiterID == id else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
        return UTPStream(core: core, driver: self.service.driver, closeTimeout: self.service.configuration.closeTimeout)
    }

    /// Withdraws the expectation: a later SYN is refused, a waiting ``accept()`` throws ``UTPError``
    /// `closed`, and a connection that arrived but was not accepted is reset. Idempotent.
    public func cancel() {
        let (handle, waiter) = self.state.withLock {
            state -> (UTPConnectionHandle?, CheckedContinuation<UTPStreamCore, any Error>?) in
            switch state.phase {
            case .waiting, .arrived: break
            case .failed, .taken, .cancelled: return (nil, nil)
            }
            state.phase = .cancelled
            defer { state.waiter = nil }
            return (state.handle, state.waiter)
        }
        self.service.untrack(self)
        waiter?.resume(throwing: UTPError.closed("the expectation was cancelled"))
        if let handle { Self.withdraw(handle, service: self.service) }
    }

    private static func withdraw(_ handle: UTPConnectionHandle, service: UTPServiceCore) {
        service.hop.execute { engine, sink in
            try? engine.withUTP(sink: &sink) { host, _, now in host.withdraw(handle, now: now) }
        }
    }

    // MARK: - Event loop side

    /// The multiplexer registered the expectation; `false` when it was cancelled meanwhile.
    func registered(_ handle: UTPConnectionHandle) -> Bool {
        self.state.withLock { state in
            guard case .waiting = state.phase else { return false }
            state.handle = handle
            return true
        }
    }

    /// The SYN came: hands the stream to ``accept()``; `false` when nobody will take it.
    func arrive(_ core: UTPStreamCore) -> Bool {
        let (delivered, waiter) = self.state.withLock {
            state -> (Bool, CheckedContinuation<UTPStreamCore, any Error>?) in
            guard case .waiting = state.phase else { return (false, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                state.phase = .taken
                return (true, waiter)
            }
            state.phase = .arrived(core)
            return (true, nil)
        }
        if delivered { self.service.untrack(self) }
        waiter?.resume(returning: core)
        return delivered
    }

    /// Ends the expectation with an error (expiry, shutdown, registration failure).
    func fail(_ error: UTPError) {
        let waiter = self.state.withLock { state -> CheckedContinuation<UTPStreamCore, any Error>? in
            guard case .waiting = state.phase else { return nil }
            state.phase = .failed(error)
            defer { state.waiter = nil }
            return state.waiter
        }
        self.service.untrack(self)
        waiter?.resume(throwing: error)
    }
}
