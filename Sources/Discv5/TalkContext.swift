// SPDX-License-Identifier: Apache-2.0

import Logging

/// What a ``TalkProtocolHandler`` gets next to the request.
public struct TalkContext: Sendable {
    /// When the answer must be ready; past it the requester gets an empty TALKRESP and the
    /// handler's task is cancelled.
    public var deadline: ContinuousClock.Instant
    /// The node's logger.
    public var logger: Logger

    /// Creates a context (for tests of handlers).
    ///
    /// - Parameters:
    ///   - deadline: When the answer must be ready.
    ///   - logger: Where to log.
    public init(deadline: ContinuousClock.Instant, logger: Logger) {
        self.deadline = deadline
        self.logger = logger
    }
}
