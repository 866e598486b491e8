// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A ``ContentStore`` holding content in memory: it accepts every key it does not hold yet
/// (``AcceptCode/alreadyStored`` otherwise) while it holds fewer than ``capacity`` items
/// (``AcceptCode/declined`` then).
public final class InMemoryContentStore: ContentStore {
    /// The most items held; offers beyond it are declined.
    public let capacity: Int
    private let items: Mutex<[[UInt8]: [UInt8]]>

    /// Makes a store.
    ///
    /// - Parameters:
    ///   - items: The initial contents, key to content.
    ///   - capacity: The most items held (default: no practical limit).
    public init(_ items: [[UInt8]: [UInt8]] = [:], capacity: Int = .max) {
        self.items = Mutex(items)
        self.capacity = capacity
    }

    /// The number of items held.
    public var count: Int { self.items.withLock { $0.count } }

    /// The content stored under a key.
    ///
    /// - Parameters:
    ///   - key: The content key.
    /// - Returns: The content, or `nil`.
    public func content(for key: [UInt8]) async -> [UInt8]? {
        self.items.withLock { $0[key] }
    }

    /// Accepts a key not held yet while there is room.
    ///
    /// - Parameters:
    ///   - key: The offered key.
    /// - Returns: ``AcceptCode/accepted``, ``AcceptCode/alreadyStored`` or ``AcceptCode/declined``.
    public func accept(key: [UInt8]) async -> AcceptCode {
        self.items.withLock { items in
            if items[key] != nil { return .alreadyStored }
            return items.count < self.capacity ? .accepted : .declined
        }
    }

    /// Stores content, replacing what was under the key.
    ///
    /// - Parameters:
    ///   - key: The content key.
    ///   - value: The content.
    public func store(key: [UInt8], value: [UInt8]) async {
        self.set(value, for: key)
    }

    /// Stores content synchronously (to fill the store before serving).
    ///
    /// - Parameters:
    ///   - value: The content.
    ///   - key: The content key.
    public func set(_ value: [UInt8], for key: [UInt8]) {
        self.items.withLock { $0[key] = value }
    }
}
