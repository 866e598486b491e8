// SPDX-License-Identifier: Apache-2.0

import ENR

/// The `authdata` of a handshake message packet:
///
///     authdata      = authdata-head || id-signature || eph-pubkey || record
///     authdata-head = src-id || sig-size || eph-key-size
///     authdata-size = 34 + sig-size + eph-key-size + len(record)
///
/// Only the "v4" identity scheme exists, so the signature is 64 bytes and the ephemeral key 33.
/// A decoded ``record`` has been verified (signature included); this type does not check that
/// it belongs to ``sourceID`` or verify ``idSignature``: both need the challenge and are the
/// protocol core's job (see ``IDSignature``).
public struct HandshakeAuthData: Sendable, Hashable {
    /// The sender's node id (`src-id`).
    public let sourceID: NodeID
    /// `id-signature`: 64 bytes `r || s` over the identity-proof digest.
    public let idSignature: [UInt8]
    /// `eph-pubkey`: the 33-byte compressed ephemeral public key. Not parsed here; the key
    /// agreement rejects an invalid point.
    public let ephemeralPublicKey: [UInt8]
    /// The sender's record, when it sent one: "If `enr-seq` is zero, the record must be sent."
    public let record: ENR?

    /// Creates handshake authdata for an outgoing packet.
    ///
    /// - Parameters:
    ///   - sourceID: Our node id.
    ///   - idSignature: The 64-byte identity proof from ``IDSignature/sign(key:challengeData:ephemeralPublicKey:destinationID:)``.
    ///   - ephemeralPublicKey: The 33-byte compressed ephemeral public key.
    ///   - record: Our record, when the challenge's `enr-seq` is below our sequence number.
    /// - Throws: ``Discv5WireError/Code/invalidHandshakeSizes`` when the signature is not 64
    ///   bytes or the key not 33.
    public init(
        sourceID: NodeID,
        idSignature: some Collection<UInt8>,
        ephemeralPublicKey: some Collection<UInt8>,
        record: ENR?
    ) throws(Discv5WireError) {
        guard idSignature.count == PacketLimits.idSignatureSize,
            ephemeralPublicKey.count == PacketLimits.ephemeralKeySize
        else {
            throw .make(
                .invalidHandshakeSizes,
                "signature \(idSignature.count) bytes (need 64), key \(ephemeralPublicKey.count) bytes (need 33)"
            )
        }
        if let record, record.encoded.count > PacketLimits.maximumRecordSize {
            throw .make(.invalidRecord, "record of \(record.encoded.count) bytes exceeds 300")
        }
        self.init(
            unchecked: sourceID,
            idSignature: Array(idSignature),
            ephemeralPublicKey: Array(ephemeralPublicKey),
            record: record
        )
    }

    init(unchecked sourceID: NodeID, idSignature: [UInt8], ephemeralPublicKey: [UInt8], record: ENR?) {
        self.sourceID = sourceID
        self.idSignature = idSignature
        self.ephemeralPublicKey = ephemeralPublicKey
        self.record = record
    }

    /// `authdata-size` of this authdata.
    var encodedSize: Int {
        PacketLimits.handshakeAuthDataSizeWithoutRecord + (record?.encoded.count ?? 0)
    }

    func append(to buffer: inout [UInt8]) {
        buffer.append(contentsOf: sourceID.bytes)
        buffer.append(UInt8(idSignature.count))
        buffer.append(UInt8(ephemeralPublicKey.count))
        buffer.append(contentsOf: idSignature)
        buffer.append(contentsOf: ephemeralPublicKey)
        if let record {
            buffer.append(contentsOf: record.encoded)
        }
    }
}
