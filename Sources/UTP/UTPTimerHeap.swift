// SPDX-License-Identifier: Apache-2.0

/// A binary min-heap of `(deadline, handle)` for ``UTPMultiplexer``'s timers, with lazy deletion: the
/// multiplexer remembers per connection which deadline it scheduled and skips popped entries that no
/// longer match, so a moved or cancelled timer costs no search.
struct UTPTimerHeap: Sendable {
    struct Timer: Sendable {
        var deadline: UInt64
        var handle: UTPConnectionHandle
    }

    private(set) var storage: [Timer] = []

    var count: Int { self.storage.count }
    var minimum: Timer? { self.storage.first }

    mutating func push(_ timer: Timer) {
        self.storage.append(timer)
        var child = self.storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.storage[child].deadline < self.storage[parent].deadline else { break }
            self.storage.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popMinimum() -> Timer? {
        guard !self.storage.isEmpty else { return nil }
        self.storage.swapAt(0, self.storage.count - 1)
        let top = self.storage.removeLast()
        self.siftDown(from: 0)
        return top
    }

    /// Replaces the contents (used to drop stale timers in bulk).
    mutating func rebuild(_ timers: [Timer]) {
        self.storage = timers
        var index = self.storage.count / 2
        while index > 0 {
            index -= 1
            self.siftDown(from: index)
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < self.storage.count, self.storage[left].deadline < self.storage[smallest].deadline {
                smallest = left
            }
            if right < self.storage.count, self.storage[right].deadline < self.storage[smallest].deadline {
                smallest = right
            }
            guard smallest != parent else { return }
            self.storage.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
