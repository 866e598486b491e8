// SPDX-License-Identifier: Apache-2.0

/// A binary min-heap of `(deadline, handle)` with lazy deletion: the owner checks whether a
/// popped entry is still current (the request exists and still has that deadline) and skips
/// stale ones. Restarting a timer pushes a new entry instead of searching for the old one.
struct DeadlineHeap {
    struct Entry: Equatable {
        var deadline: Discv5Instant
        var handle: RequestHandle
    }

    private var storage: [Entry] = []

    var isEmpty: Bool { storage.isEmpty }
    var count: Int { storage.count }
    var minimum: Entry? { storage.first }

    mutating func push(_ entry: Entry) {
        storage.append(entry)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child].deadline < storage[parent].deadline else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func popMinimum() -> Entry? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let top = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < storage.count, storage[left].deadline < storage[smallest].deadline { smallest = left }
            if right < storage.count, storage[right].deadline < storage[smallest].deadline { smallest = right }
            guard smallest != parent else { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }
}
