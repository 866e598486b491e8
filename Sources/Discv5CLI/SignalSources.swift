// SPDX-License-Identifier: Apache-2.0

import Dispatch
import Synchronization

/// The dispatch signal sources `run` keeps alive while it waits; only touched from the
/// `run` task (the sources' handlers run on their queue and never touch this).
final class SignalSources {
    private var sources: [any DispatchSourceSignal] = []

    func append(_ source: any DispatchSourceSignal) {
        sources.append(source)
    }

    func cancelAll() {
        for source in sources { source.cancel() }
        sources = []
    }
}

/// Resumes a continuation at most once (several signals may arrive).
final class ResumeOnce: Sendable {
    private let continuation: Mutex<CheckedContinuation<Void, Never>?>

    init(_ continuation: CheckedContinuation<Void, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume() {
        continuation.withLock { value in
            defer { value = nil }
            return value
        }?.resume()
    }
}
