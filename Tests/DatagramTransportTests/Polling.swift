// SPDX-License-Identifier: Apache-2.0

/// The condition did not hold before the deadline.
struct PollTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Polls `condition` every 5 ms until it holds; throws after `timeout`. No assertion depends on timing:
/// the timeout only keeps a broken test from hanging.
func waitUntil(
    _ what: String,
    timeout: Duration = .seconds(20),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw PollTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
