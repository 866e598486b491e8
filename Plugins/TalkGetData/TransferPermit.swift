// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A slot taken from a ``TransferLimiter``; given back once, by ``release()`` or on deallocation.
final class TransferPermit: Sendable {
    private let onRelease: Mutex<(@Sendable () -> Void)?>

    init(_ onRelease: @escaping @Sendable () -> Void) {
        self.onRelease = Mutex(onRelease)
    }

    deinit {
        self.release()
    }

    /// Gives the slot back; later calls do nothing.
    func release() {
        let action = self.onRelease.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }
}
