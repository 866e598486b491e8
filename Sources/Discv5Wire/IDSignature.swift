// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// The handshake's identity proof (devp2p `discv5/discv5-theory.md`, "Step 3"):
///
///     id-signature-text  = "discovery v5 identity proof"
///     id-signature-input = id-signature-text || challenge-data || ephemeral-pubkey || node-id-B
///     id-signature       = id_sign(sha256(id-signature-input))
///
/// For the "v4" scheme `id_sign` is secp256k1 ECDSA encoded as 64 bytes `r || s`. It "proves
/// that it controls the private key which signed its node record. The signature also prevents
/// replay of the handshake."
public enum IDSignature {
    /// `"discovery v5 identity proof"`.
    public static let proofText: [UInt8] = Array("discovery v5 identity proof".utf8)

    /// `sha256(id-signature-input)`, the 32-byte digest that is signed.
    ///
    /// - Parameters:
    ///   - challengeData: The WHOAREYOU's `masking-iv || static-header || authdata`.
    ///   - ephemeralPublicKey: The 33-byte compressed ephemeral public key.
    ///   - destinationID: Node B's id (the WHOAREYOU's sender).
    /// - Returns: The digest.
    public static func digest(
        challengeData: some Collection<UInt8>,
        ephemeralPublicKey: some Collection<UInt8>,
        destinationID: NodeID
    ) -> [UInt8] {
        var input = proofText
        input.reserveCapacity(proofText.count + challengeData.count + ephemeralPublicKey.count + NodeID.byteCount)
        input.append(contentsOf: challengeData)
        input.append(contentsOf: ephemeralPublicKey)
        input.append(contentsOf: destinationID.bytes)
        return SHA256.hash(input)
    }

    /// Signs the identity proof with the node's static key (deterministic, RFC 6979).
    ///
    /// - Parameters:
    ///   - key: Node A's static private key (the key of its record).
    ///   - challengeData: The WHOAREYOU's `masking-iv || static-header || authdata`.
    ///   - ephemeralPublicKey: The 33-byte compressed ephemeral public key.
    ///   - destinationID: Node B's id.
    /// - Returns: The 64-byte signature `r || s`.
    public static func sign(
        key: Secp256k1.PrivateKey,
        challengeData: some Collection<UInt8>,
        ephemeralPublicKey: some Collection<UInt8>,
        destinationID: NodeID
    ) -> [UInt8] {
        let digest = digest(
            challengeData: challengeData,
            ephemeralPublicKey: ephemeralPublicKey,
            destinationID: destinationID
        )
        do {
            return try key.signature(forDigest: digest)
        } catch {
            // The digest is always 32 bytes; libsecp256k1 signing with a valid key cannot fail.
            preconditionFailure("secp256k1 signing failed: \(error)")
        }
    }

    /// Verifies an identity proof against the initiator's public key.
    ///
    /// - Parameters:
    ///   - signature: The handshake packet's `id-signature`.
    ///   - publicKey: Node A's static public key (from its record).
    ///   - challengeData: The WHOAREYOU's `masking-iv || static-header || authdata` we sent.
    ///   - ephemeralPublicKey: The handshake packet's `eph-pubkey`.
    ///   - destinationID: Our own id (node B).
    /// - Returns: Whether the signature is valid; `false` for a malformed one.
    public static func verify(
        signature: some Collection<UInt8>,
        publicKey: Secp256k1.PublicKey,
        challengeData: some Collection<UInt8>,
        ephemeralPublicKey: some Collection<UInt8>,
        destinationID: NodeID
    ) -> Bool {
        let digest = digest(
            challengeData: challengeData,
            ephemeralPublicKey: ephemeralPublicKey,
            destinationID: destinationID
        )
        return publicKey.isValidSignature(signature, forDigest: digest)
    }
}
