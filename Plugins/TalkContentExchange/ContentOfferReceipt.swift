// SPDX-License-Identifier: Apache-2.0

import ENR

/// How one accepted offer ended on the receiving ``ContentExchangeServer``: reported after its
/// uTP stream was read to the end or failed.
public struct ContentOfferReceipt: Sendable {
    /// The offering peer.
    public let peer: NodeID
    /// The accepted keys, in offer order.
    public let acceptedKeys: [[UInt8]]
    /// The keys whose content was received and stored, in offer order (a prefix of
    /// ``acceptedKeys``; all of them on success).
    public let storedKeys: [[UInt8]]
    /// Why the transfer failed, or `nil` when every accepted item was stored.
    public let error: (any Error)?

    /// Whether every accepted item was received and stored.
    public var succeeded: Bool { self.error == nil }

    /// Makes a receipt.
    ///
    /// - Parameters:
    ///   - peer: The offering peer.
    ///   - acceptedKeys: The accepted keys.
    ///   - storedKeys: The keys stored.
    ///   - error: Why the transfer failed, or `nil`.
    public init(peer: NodeID, acceptedKeys: [[UInt8]], storedKeys: [[UInt8]], error: (any Error)?) {
        self.peer = peer
        self.acceptedKeys = acceptedKeys
        self.storedKeys = storedKeys
        self.error = error
    }
}
