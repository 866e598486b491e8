// SPDX-License-Identifier: Apache-2.0

import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT and SIGTERM, caught with dispatch signal sources from the moment this is created, so
/// a signal that arrives while the node is still starting is not lost.
final class TerminationSignals: Sendable {
    /// Remembers the first signal and wakes the waiter.
    private final class Latch: Sendable {
        private struct State {
            var fired = false
            var waiter: CheckedContinuation<Void, Never>?
        }

        private let state = Mutex(State())

        func fire() {
            let waiter = state.withLock { state in
                state.fired = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.fired { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        }
    }

    private let latch = Latch()
    private let sources: Mutex<[any DispatchSourceSignal]>

    /// Starts catching SIGINT and SIGTERM (their default action, ending the process, is off).
    init() {
        let latch = self.latch
        let queue = DispatchQueue(label: "discv5.signals")
        var created: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { latch.fire() }
            source.resume()
            created.append(source)
        }
        sources = Mutex(created)
    }

    /// Suspends until the first signal (returns at once if one already came).
    func wait() async {
        await latch.wait()
    }

    /// Stops catching the signals.
    func cancel() {
        sources.withLock { sources in
            for source in sources { source.cancel() }
        }
    }
}
