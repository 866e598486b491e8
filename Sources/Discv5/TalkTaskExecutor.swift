// SPDX-License-Identifier: Apache-2.0

import Dispatch

/// The executor TALK handler tasks prefer: a serial dispatch queue of the node's own.
///
/// Handlers then never wait for a thread of the shared cooperative pool, which the
/// application (or synchronous code blocking in it) may keep busy for longer than a handler's
/// deadline. Work a handler sends to an actor runs on that actor's executor as usual.
final class TalkTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async {
            job.runSynchronously(on: executor)
        }
    }
}
