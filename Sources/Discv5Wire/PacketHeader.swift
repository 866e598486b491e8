// SPDX-License-Identifier: Apache-2.0

/// An unmasked packet header for an outgoing packet:
///
///     header        = static-header || authdata
///     static-header = protocol-id || version || flag || nonce || authdata-size
///
/// ``encoded`` prefixed with the masking IV is the packet's `message-ad` (and, for WHOAREYOU,
/// the `challenge-data`); ``PacketEncoder`` masks it on the way out.
public struct PacketHeader: Sendable, Hashable {
    /// The 12-byte `nonce`: the message's AES-GCM nonce, or for WHOAREYOU "the `nonce` of the
    /// message packet that caused the WHOAREYOU response".
    public let nonce: [UInt8]
    /// The flag-specific authdata; it decides the `flag`.
    public let authData: AuthData

    /// Creates a header.
    ///
    /// - Parameters:
    ///   - nonce: 12 bytes; for message packets unique per message under one key.
    ///   - authData: The flag-specific authdata.
    /// - Throws: ``Discv5WireError/Code/invalidParameter`` when `nonce` is not 12 bytes.
    public init(nonce: some Collection<UInt8>, authData: AuthData) throws(Discv5WireError) {
        guard nonce.count == PacketLimits.nonceSize else {
            throw .invalidParameter("nonce must be \(PacketLimits.nonceSize) bytes, got \(nonce.count)")
        }
        self.nonce = Array(nonce)
        self.authData = authData
    }

    /// The packet kind.
    public var flag: PacketFlag { authData.flag }

    /// The encoded size: 23 + `authdata-size`.
    public var encodedSize: Int { PacketLimits.staticHeaderSize + authData.encodedSize }

    /// `static-header || authdata`, unmasked.
    public var encoded: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(encodedSize)
        append(to: &buffer)
        return buffer
    }

    /// Appends `static-header || authdata`, unmasked.
    func append(to buffer: inout [UInt8]) {
        let authDataSize = authData.encodedSize
        buffer.append(contentsOf: PacketLimits.protocolID)
        buffer.append(UInt8(truncatingIfNeeded: PacketLimits.version >> 8))
        buffer.append(UInt8(truncatingIfNeeded: PacketLimits.version))
        buffer.append(flag.rawValue)
        buffer.append(contentsOf: nonce)
        buffer.append(UInt8(truncatingIfNeeded: authDataSize >> 8))
        buffer.append(UInt8(truncatingIfNeeded: authDataSize))
        authData.append(to: &buffer)
    }
}
