// SPDX-License-Identifier: Apache-2.0

/// Where a `getdata` responder looks values up.
///
/// Implementations must treat the key as hostile peer input: bounded, and never interpreted as a
/// path or query without validation (see ``DirectoryGetDataStore``).
public protocol GetDataStore: Sendable {
    /// The value stored under a key.
    ///
    /// - Parameters:
    ///   - key: The requested key, 1 to ``GetData/maximumKeyLength`` bytes.
    /// - Returns: The value, or `nil` when nothing is stored under the key.
    /// - Throws: When the key is not acceptable to the store or the lookup fails; a responder
    ///   answers both like a missing value.
    func value(for key: [UInt8]) async throws -> GetDataValue?
}
