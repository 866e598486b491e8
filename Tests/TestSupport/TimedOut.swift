// SPDX-License-Identifier: Apache-2.0

/// A bounded wait ran out.
public struct TimedOut: Error, CustomStringConvertible {
    /// The limit that ran out.
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "not done within \(self.limit)" }
}

/// Runs `body`, failing with ``TimedOut`` (and cancelling it) when it has not finished within `limit`: no test
/// hangs.
public func withTimeout<Result: Sendable>(
    _ limit: Duration,
    _ body: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw TimedOut(limit: limit) }
        return result
    }
}
