// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// The two AES-128-GCM keys of a session, derived in the handshake (devp2p
/// `discv5/discv5-theory.md`, "Step 3"):
///
///     secret        = ecdh(dest-pubkey, ephemeral-key)
///     kdf-info      = "discovery v5 key agreement" || node-id-A || node-id-B
///     prk           = HKDF-Extract(challenge-data, secret)
///     key-data      = HKDF-Expand(prk, kdf-info)
///     initiator-key = key-data[:16]
///     recipient-key = key-data[16:]
///
/// "The salt is `challenge-data` and the input keying material is `secret`; `HKDF-Expand` is
/// invoked with `kdf-info` and produces 32 bytes of output." Node A is the initiator (the
/// node that answers the WHOAREYOU), node B the recipient (the node that sent it). The
/// initiator sends with the initiator key and receives with the recipient key; the recipient
/// the other way round.
public struct SessionKeys: Sendable, Hashable {
    /// `"discovery v5 key agreement"`, the start of `kdf-info`.
    public static let keyAgreementText: [UInt8] = Array("discovery v5 key agreement".utf8)

    /// The size of each key: 16 bytes (AES-128).
    public static let keySize = 16

    /// `key-data[:16]`: encrypts what the initiator sends.
    public let initiatorKey: [UInt8]
    /// `key-data[16:]`: encrypts what the recipient sends.
    public let recipientKey: [UInt8]

    /// Creates a key pair from its two halves.
    ///
    /// - Parameters:
    ///   - initiatorKey: 16 bytes.
    ///   - recipientKey: 16 bytes.
    public init(initiatorKey: [UInt8], recipientKey: [UInt8]) {
        self.initiatorKey = initiatorKey
        self.recipientKey = recipientKey
    }

    /// Derives the session keys.
    ///
    /// - Parameters:
    ///   - ecdhSecret: The 33-byte compressed shared point, from
    ///     `Secp256k1.PrivateKey.sharedSecret(with:)` (ephemeral key × B's static key on A's
    ///     side; B's static key × ephemeral public key on B's side).
    ///   - challengeData: The WHOAREYOU's `masking-iv || static-header || authdata`.
    ///   - initiatorID: Node A's id (the handshake packet's sender).
    ///   - recipientID: Node B's id (the WHOAREYOU's sender).
    /// - Returns: The initiator and recipient keys.
    public static func derive(
        ecdhSecret: some Collection<UInt8>,
        challengeData: some Collection<UInt8>,
        initiatorID: NodeID,
        recipientID: NodeID
    ) -> SessionKeys {
        let prk = HKDF.extract(salt: challengeData, inputKeyMaterial: ecdhSecret)
        var info = keyAgreementText
        info.reserveCapacity(keyAgreementText.count + 2 * NodeID.byteCount)
        info.append(contentsOf: initiatorID.bytes)
        info.append(contentsOf: recipientID.bytes)
        let keyData = HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: 2 * keySize)
        return SessionKeys(initiatorKey: Array(keyData[..<keySize]), recipientKey: Array(keyData[keySize...]))
    }
}
