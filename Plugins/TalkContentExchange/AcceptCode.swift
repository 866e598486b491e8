// SPDX-License-Identifier: Apache-2.0

/// The answer to one offered key, one byte in an ``Accept`` (portal-wire-protocol.md, "Accept (0x07)").
///
/// | raw | meaning |
/// | --- | --- |
/// | 0 | ``accepted`` |
/// | 1 | ``declined`` (generic, no specific reason) |
/// | 2 | ``alreadyStored`` |
/// | 3 | ``notWithinRadius`` |
/// | 4 | ``rateLimited`` (the node takes no more connections) |
/// | 5 | ``inboundRateLimited`` (too many transfers of this content id right now) |
/// | 6 | ``notVerifiable`` (the content key cannot be verified) |
/// | 7–255 | unspecified decline; kept as received, treated like any other decline |
///
/// This is a struct with named values rather than an enum so that every byte round-trips as
/// received (a code 9 stays 9) and no two spellings share a raw value. Match on the named values
/// (`case .accepted:`), or use ``isAccepted``.
public struct AcceptCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public let rawValue: UInt8

    /// Wraps a byte; every value is valid.
    ///
    /// - Parameters:
    ///   - rawValue: The byte on the wire.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// 0: send the content.
    public static let accepted = AcceptCode(rawValue: 0)
    /// 1: generic decline, when no specific reason applies.
    public static let declined = AcceptCode(rawValue: 1)
    /// 2: declined, the content is already stored.
    public static let alreadyStored = AcceptCode(rawValue: 2)
    /// 3: declined, the content is not within the node's radius.
    public static let notWithinRadius = AcceptCode(rawValue: 3)
    /// 4: declined, rate limit reached: the node cannot handle more connections.
    public static let rateLimited = AcceptCode(rawValue: 4)
    /// 5: declined, inbound rate limit reached for this content id (protection against thundering herds).
    public static let inboundRateLimited = AcceptCode(rawValue: 5)
    /// 6: declined, the content key is not verifiable.
    public static let notVerifiable = AcceptCode(rawValue: 6)

    /// Whether the key is accepted (code 0); every other code declines.
    public var isAccepted: Bool {
        self.rawValue == 0
    }

    /// The code's name, or `declined(n)` for 7–255.
    public var description: String {
        switch self.rawValue {
        case 0: "accepted"
        case 1: "declined"
        case 2: "alreadyStored"
        case 3: "notWithinRadius"
        case 4: "rateLimited"
        case 5: "inboundRateLimited"
        case 6: "notVerifiable"
        default: "declined(\(self.rawValue))"
        }
    }
}
