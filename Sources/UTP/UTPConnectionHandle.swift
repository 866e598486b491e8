// SPDX-License-Identifier: Apache-2.0

/// An opaque, never-reused name of a connection (or pending expectation) inside a ``UTPMultiplexer``.
public struct UTPConnectionHandle: Hashable, Sendable, CustomStringConvertible {
    /// The handle's number, unique within its multiplexer.
    public let rawValue: UInt64

    /// Creates a handle.
    /// - Parameters:
    ///   - rawValue: The number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// A readable form.
    public var description: String { "utp#\(self.rawValue)" }
}
