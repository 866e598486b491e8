// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import RLP

extension ENR {
    /// Decodes and verifies a record from its RLP encoding.
    ///
    /// Checks, in order: size (before any parsing), strict RLP shape, canonical `seq`, keys
    /// sorted and unique, identity scheme "v4", a valid compressed public key, and the signature.
    /// - Parameter encoded: the record's RLP bytes.
    /// - Throws: ``ENRError`` naming the first check that failed.
    public init(encoded: some Collection<UInt8>) throws(ENRError) {
        guard encoded.count <= Self.maximumEncodedSize else {
            throw ENRError(.recordTooLarge, "\(encoded.count) bytes")
        }
        let bytes = Array(encoded)
        let top: RLPItem
        do {
            top = try RLP.decode(bytes)
        } catch {
            throw ENRError(.malformedRecord, "\(error)")
        }
        // [signature, seq, k1, v1, ...]: at least two items, and pairs come whole.
        guard let items = top.listValue, items.count >= 2, items.count % 2 == 0 else {
            throw ENRError(.malformedRecord, "expected a list [signature, seq, key, value, ...]")
        }
        guard let signature = items[0].bytesValue else {
            throw ENRError(.malformedRecord, "signature is not a byte string")
        }
        let seq: UInt64
        do {
            seq = try items[1].uint64Value()
        } catch {
            throw ENRError(.invalidSequenceNumber, "\(error)")
        }
        var pairs: [Pair] = []
        pairs.reserveCapacity((items.count - 2) / 2)
        var index = 2
        while index < items.count {
            guard let key = items[index].bytesValue else {
                throw ENRError(.malformedRecord, "key is not a byte string")
            }
            if let previous = pairs.last {
                if previous.key == key {
                    throw ENRError(.duplicateKey, String(decoding: key, as: UTF8.self))
                }
                guard previous.key.lexicographicallyPrecedes(key) else {
                    throw ENRError(
                        .unsortedKeys,
                        "'\(previous.keyText)' before '\(String(decoding: key, as: UTF8.self))'"
                    )
                }
            }
            pairs.append(Pair(key: key, value: items[index + 1]))
            index += 2
        }
        let publicKey = try Self.verifiedPublicKey(pairs: pairs)
        guard signature.count == Self.signatureSize else {
            throw ENRError(.invalidSignature, "signature is \(signature.count) bytes, expected 64")
        }
        let digest = Keccak256.hash(Self.signedContent(seq: seq, pairs: pairs))
        guard publicKey.isValidSignature(signature, forDigest: digest) else {
            throw ENRError(.invalidSignature)
        }
        self.init(seq: seq, signature: signature, pairs: pairs, publicKey: publicKey, encoded: bytes)
    }

    /// Decodes and verifies a record from its text form, `enr:` + unpadded base64url.
    /// - Parameter text: the text form; surrounding white space is ignored.
    /// - Throws: ``ENRError``.
    public init(text: String) throws(ENRError) {
        let trimmed = text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()
        let body = String(trimmed)
        guard body.hasPrefix("enr:") else { throw ENRError(.missingPrefix) }
        let payload = body.dropFirst(4)
        // Base64 of 300 bytes is 400 characters: refuse longer text before decoding it.
        guard payload.utf8.count <= (Self.maximumEncodedSize * 4 + 2) / 3 else {
            throw ENRError(.recordTooLarge, "text form longer than a 300-byte record")
        }
        guard let bytes = Base64URL.decode(payload) else { throw ENRError(.invalidBase64) }
        try self.init(encoded: bytes)
    }

    /// The identity scheme must be "v4" and the `secp256k1` value a valid compressed key.
    static func verifiedPublicKey(pairs: [Pair]) throws(ENRError) -> Secp256k1.PublicKey {
        guard let scheme = pairs.first(where: { $0.key == Array("id".utf8) })?.value else {
            throw ENRError(.missingIdentityScheme)
        }
        guard scheme.bytesValue == Self.v4IdentityScheme else {
            let name = scheme.bytesValue.map { String(decoding: $0, as: UTF8.self) } ?? "(a list)"
            throw ENRError(.unknownIdentityScheme, name)
        }
        guard let keyBytes = pairs.first(where: { $0.key == Array("secp256k1".utf8) })?.value.bytesValue,
            keyBytes.count == 33
        else {
            throw ENRError(.invalidPublicKey, "secp256k1 must be a 33-byte compressed key")
        }
        do {
            return try Secp256k1.PublicKey(bytes: keyBytes)
        } catch {
            throw ENRError(.invalidPublicKey, "\(error)")
        }
    }

    /// The signed content: `rlp([seq, k, v, ...])`.
    static func signedContent(seq: UInt64, pairs: [Pair]) -> [UInt8] {
        var items: [RLPItem] = [.uint(seq)]
        items.reserveCapacity(1 + pairs.count * 2)
        for pair in pairs {
            items.append(.bytes(pair.key))
            items.append(pair.value)
        }
        return RLP.encode(.list(items))
    }

    /// Signs content and assembles the record, enforcing the size limit.
    static func sign(seq: UInt64, pairs: [Pair], with key: Secp256k1.PrivateKey) throws(ENRError) -> ENR {
        let publicKey = try verifiedPublicKey(pairs: pairs)
        guard publicKey == key.publicKey else {
            throw ENRError(.signingFailed, "the record's secp256k1 key is not the signing key's")
        }
        let signature: [UInt8]
        do {
            signature = try key.signature(forDigest: Keccak256.hash(signedContent(seq: seq, pairs: pairs)))
        } catch {
            throw ENRError(.signingFailed, "\(error)")
        }
        var items: [RLPItem] = [.bytes(signature), .uint(seq)]
        for pair in pairs {
            items.append(.bytes(pair.key))
            items.append(pair.value)
        }
        let encoded = RLP.encode(.list(items))
        guard encoded.count <= maximumEncodedSize else {
            throw ENRError(.recordTooLarge, "\(encoded.count) bytes")
        }
        return ENR(seq: seq, signature: signature, pairs: pairs, publicKey: publicKey, encoded: encoded)
    }
}
