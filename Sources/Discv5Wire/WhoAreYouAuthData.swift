// SPDX-License-Identifier: Apache-2.0

/// The `authdata` of a WHOAREYOU packet: `id-nonce || enr-seq`.
///
/// "`id-nonce = uint128 -- random bytes`; `enr-seq = uint64 -- ENR sequence number of the
/// requesting node`" (zero when the challenger holds no record of the requester, which obliges
/// the requester to send its record in the handshake).
public struct WhoAreYouAuthData: Sendable, Hashable {
    /// The 16 random bytes the handshake signature covers (through the challenge data).
    public let idNonce: [UInt8]
    /// The highest sequence number of the requester's record known to the challenger.
    public let enrSeq: UInt64

    /// Creates WHOAREYOU authdata.
    ///
    /// - Parameters:
    ///   - idNonce: 16 random bytes, drawn by the caller.
    ///   - enrSeq: The sequence number of the requester's record known locally, or 0.
    /// - Throws: ``Discv5WireError/Code/invalidParameter`` when `idNonce` is not 16 bytes.
    public init(idNonce: some Collection<UInt8>, enrSeq: UInt64) throws(Discv5WireError) {
        guard idNonce.count == PacketLimits.idNonceSize else {
            throw .invalidParameter("id-nonce must be \(PacketLimits.idNonceSize) bytes, got \(idNonce.count)")
        }
        self.init(unchecked: Array(idNonce), enrSeq: enrSeq)
    }

    init(unchecked idNonce: [UInt8], enrSeq: UInt64) {
        self.idNonce = idNonce
        self.enrSeq = enrSeq
    }

    func append(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: idNonce)
        appendBigEndian(enrSeq, to: &buffer)
    }
}

/// Appends `value` as 8 big-endian bytes.
@inline(__always)
func appendBigEndian(_ value: UInt64, to buffer: inout [UInt8]) {
    for shift in stride(from: 56, through: 0, by: -8) {
        buffer.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
    }
}
