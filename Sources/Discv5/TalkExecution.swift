// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Logging
import Synchronization

/// Runs one async TALK handler against its deadline and hands the answer back to the loop.
///
/// Two tasks race: the handler's and a timer's. Whichever finishes first answers (the timer
/// with an empty TALKRESP, and it cancels the handler). The handler's slot under the
/// concurrency cap is released only when its task really ends, so a handler that ignores
/// cancellation still counts against the cap.
enum TalkExecution {
    /// Who answers: the first to claim.
    private final class Race: Sendable {
        private struct State {
            var claimed = false
            var work: Task<Void, Never>?
        }

        private let state = Mutex(State())

        func claim() -> Bool {
            state.withLock { state in
                defer { state.claimed = true }
                return !state.claimed
            }
        }

        func setWork(_ task: Task<Void, Never>) {
            let cancelNow = state.withLock { state in
                state.work = task
                return state.claimed
            }
            if cancelNow { task.cancel() }
        }

        func cancelWork() {
            state.withLock { $0.work }?.cancel()
        }
    }

    static func start(
        handler: any TalkProtocolHandler,
        request: TalkRequest,
        token: IncomingTalkRequest.Token,
        context: TalkContext,
        hop: LoopHop
    ) {
        let race = Race()
        let protocolID = request.protocolID
        let timer = Task {
            try? await Task.sleep(until: context.deadline, clock: .continuous)
            guard !Task.isCancelled, race.claim() else { return }
            race.cancelWork()
            context.logger.debug("TALK handler missed its deadline; answered empty")
            hop.execute { engine, sink in
                engine.completeTalk(
                    token,
                    response: [],
                    outcome: .deadlineExceeded,
                    protocolID: protocolID,
                    sink: &sink
                )
            }
        }
        let work = Task {
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
            timer.cancel()
            let answers = race.claim()
            hop.execute { engine, sink in
                if answers {
                    engine.completeTalk(
                        token,
                        response: response,
                        outcome: outcome,
                        protocolID: protocolID,
                        sink: &sink
                    )
                }
                engine.talkHandlerEnded()
            }
        }
        race.setWork(work)
    }
}
