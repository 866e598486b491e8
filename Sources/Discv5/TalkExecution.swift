// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Logging

/// Runs one async TALK handler as a task and hands the answer back to the event loop.
///
/// The deadline is not enforced here but by the event loop's timer (``NodeEngine``), which
/// answers empty and cancels this task when it passes, so a starved task pool cannot delay the
/// answer. The handler's slot under the concurrency cap is released only when its task really
/// ends, so a handler that ignores cancellation still counts against the cap.
enum TalkExecution {
    /// Starts the handler's task.
    ///
    /// - Returns: The task (the event loop cancels it at the deadline).
    static func start(
        _ talk: UInt64,
        handler: any TalkProtocolHandler,
        request: TalkRequest,
        context: TalkContext,
        hop: LoopHop,
        executor: TalkTaskExecutor
    ) -> Task<Void, Never> {
        Task(executorPreference: executor) {
            let response: [UInt8]
            let outcome: NodeEngine.TalkOutcome
            do {
                response = try await handler.handle(request, context: context)
                outcome = .answered
            } catch {
                context.logger.debug("TALK handler failed; answered empty", metadata: ["error": "\(error)"])
                response = []
                outcome = .failed
            }
            hop.execute { engine, sink in
                engine.completeTalk(talk, response: response, outcome: outcome, sink: &sink)
                engine.talkHandlerEnded()
            }
        }
    }
}
