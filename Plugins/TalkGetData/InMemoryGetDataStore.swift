// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A ``GetDataStore`` holding its values in memory; safe to update while it serves.
public final class InMemoryGetDataStore: GetDataStore {
    private let values: Mutex<[[UInt8]: [UInt8]]>

    /// Makes a store.
    ///
    /// - Parameters:
    ///   - values: The initial contents, key to value.
    public init(_ values: [[UInt8]: [UInt8]] = [:]) {
        self.values = Mutex(values)
    }

    /// Stores a value, replacing any value under the same key.
    ///
    /// - Parameters:
    ///   - value: The value.
    ///   - key: Its key, 1 to ``GetData/maximumKeyLength`` bytes.
    /// - Throws: ``TalkGetDataError`` with code `invalidKeyLength` for a key no request can carry.
    public func set(_ value: [UInt8], for key: [UInt8]) throws(TalkGetDataError) {
        guard (1...GetData.maximumKeyLength).contains(key.count) else {
            throw .invalidKeyLength(key.count, offset: nil)
        }
        self.values.withLock { $0[key] = value }
    }

    /// Removes the value under a key.
    ///
    /// - Parameters:
    ///   - key: The key.
    /// - Returns: The removed value, or `nil` when there was none.
    @discardableResult
    public func removeValue(for key: [UInt8]) -> [UInt8]? {
        self.values.withLock { $0.removeValue(forKey: key) }
    }

    /// The value stored under a key.
    ///
    /// - Parameters:
    ///   - key: The requested key.
    /// - Returns: `.bytes(value)`, or `nil` when nothing is stored under the key.
    public func value(for key: [UInt8]) async -> GetDataValue? {
        self.values.withLock { $0[key] }.map(GetDataValue.bytes)
    }
}
