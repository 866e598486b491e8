// SPDX-License-Identifier: Apache-2.0

/// The name of an operation started on ``Discv5Engine`` (a PING, FINDNODE, TALKREQ or lookup).
///
/// Unique for the lifetime of one engine. Its outcome arrives exactly once as
/// ``Discv5Engine/Action/completed(_:_:)``.
public struct OperationID: Hashable, Sendable, CustomStringConvertible {
    /// The operation's number, increasing from 1.
    public let rawValue: UInt64

    /// Wraps a number.
    ///
    /// - Parameters:
    ///   - rawValue: The operation's number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// `op<n>`.
    public var description: String { "op\(rawValue)" }
}
