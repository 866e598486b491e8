// SPDX-License-Identifier: Apache-2.0

/// The local name of a request sent through ``Discv5Protocol/sendRequest(_:to:mode:now:)``.
///
/// Unique for the lifetime of one machine; it is not the wire `request-id` (that is random
/// and private to the machine).
public struct RequestHandle: Hashable, Sendable, CustomStringConvertible {
    /// The handle's number, increasing from 1.
    public let rawValue: UInt64

    /// Wraps a number.
    ///
    /// - Parameters:
    ///   - rawValue: The handle's number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `#<n>`.
    public var description: String { "#\(rawValue)" }
}
