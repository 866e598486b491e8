// SPDX-License-Identifier: Apache-2.0

/// Where a ``ContentExchangeServer`` finds content and keeps what it is offered.
///
/// Keys and values come from peers: implementations treat them as hostile input (bounded, never
/// interpreted as paths without validation).
public protocol ContentStore: Sendable {
    /// The content stored under a key.
    ///
    /// - Parameters:
    ///   - key: The content key, at most ``ContentExchange/maximumContentKeyLength`` bytes.
    /// - Returns: The content, or `nil` when it is not held here.
    func content(for key: [UInt8]) async -> [UInt8]?

    /// Whether to accept an offered key: the policy behind each ``AcceptCode`` of an ``Accept``.
    ///
    /// - Parameters:
    ///   - key: The offered content key.
    /// - Returns: ``AcceptCode/accepted`` to receive the content, or the reason to decline it
    ///   (for example ``AcceptCode/alreadyStored``).
    func accept(key: [UInt8]) async -> AcceptCode

    /// Stores content received for an accepted key.
    ///
    /// - Parameters:
    ///   - key: The content key.
    ///   - value: The content.
    func store(key: [UInt8], value: [UInt8]) async
}
