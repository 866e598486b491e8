// SPDX-License-Identifier: Apache-2.0

/// Carries a value that the caller gave up (`sending`) into the event loop's `@Sendable` closure.
/// Sound only for values no one else references, which `sending` guarantees at the call site.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
}
