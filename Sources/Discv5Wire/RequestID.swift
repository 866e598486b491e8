// SPDX-License-Identifier: Apache-2.0

/// A message's `request-id`: "an RLP byte array of length <= 8 bytes. For requests, this value
/// is assigned by the requester. The recipient of a message must mirror the value in the
/// `request-id` element of the response."
///
/// An empty id is valid and must be mirrored like any other.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// The id's bytes, 0 to 8 of them.
    public let bytes: [UInt8]

    /// Creates an id from its bytes.
    ///
    /// - Parameters:
    ///   - bytes: At most ``PacketLimits/maximumRequestIDSize`` (8) bytes.
    /// - Throws: ``Discv5WireError/Code/requestIDTooLong`` for more than 8 bytes.
    public init(bytes: some Collection<UInt8>) throws(Discv5WireError) {
        guard bytes.count <= PacketLimits.maximumRequestIDSize else {
            throw .make(.requestIDTooLong, "\(bytes.count) bytes, maximum \(PacketLimits.maximumRequestIDSize)")
        }
        self.bytes = Array(bytes)
    }

    /// Creates an 8-byte id from a number (big-endian, leading zeros kept), e.g. a random one.
    ///
    /// - Parameters:
    ///   - value: The id as an integer.
    /// Creates a request id from an array without copying it.
    ///
    /// - Parameters:
    ///   - bytes: At most 8 bytes.
    /// - Throws: ``Discv5WireError`` `requestIDTooLong` past 8 bytes.
    public init(bytes: [UInt8]) throws(Discv5WireError) {
        guard bytes.count <= PacketLimits.maximumRequestIDSize else {
            throw .make(.requestIDTooLong, "\(bytes.count) bytes, maximum \(PacketLimits.maximumRequestIDSize)")
        }
        self.bytes = bytes
    }

    public init(_ value: UInt64) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8)
        appendBigEndian(value, to: &bytes)
        self.bytes = bytes
    }

    /// The id in lowercase hex, `0x` for an empty id.
    public var description: String {
        "0x"
            + bytes.map { byte in
                let digits = Array("0123456789abcdef")
                return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
            }.joined()
    }
}
