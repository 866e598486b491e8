// SPDX-License-Identifier: Apache-2.0

import Logging

/// What a ``TalkProtocolHandler`` gets next to the request.
public struct TalkContext: Sendable {
    /// When the answer must be ready; past it the requester gets an empty TALKRESP and the
    /// handler's task is cancelled.
    public var deadline: ContinuousClock.Instant
    /// The node's logger.
    public var logger: Logger
    /// The node's uTP-over-TALKREQ service, for answers too large for one TALKRESP: register an
    /// expectation (``UTPService/expect(from:)`` or ``UTPService/serve(_:to:)-(Array<UInt8>,_)``) and
    /// answer with its connection id.
    public var utp: UTPService

    /// Creates a context (for tests of handlers).
    ///
    /// - Parameters:
    ///   - deadline: When the answer must be ready.
    ///   - logger: Where to log.
    ///   - utp: The uTP service; by default ``UTPService/detached`` (every call throws `closed`).
    public init(deadline: ContinuousClock.Instant, logger: Logger, utp: UTPService = .detached) {
        self.deadline = deadline
        self.logger = logger
        self.utp = utp
    }
}
