// SPDX-License-Identifier: Apache-2.0

import CSecp256k1

extension Secp256k1 {
    /// A secp256k1 secret key: a scalar in `1 ..< n`, stored as 32 big-endian bytes.
    ///
    /// The key never appears in `description` or `debugDescription`; export it only on purpose
    /// through ``rawRepresentation`` or ``hexString``. Equality runs in constant time.
    public struct PrivateKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
        /// The length of a secret key in bytes.
        public static let byteCount = 32

        private let bytes: [UInt8]

        /// Creates a fresh random key from the operating system's secure random source.
        public init() {
            while true {
                let candidate = SecureRandom.bytes(count: Self.byteCount)
                // A uniformly random 256-bit value is a valid scalar except with probability
                // about 2^-128; draw again in that case.
                if secp256k1_ec_seckey_verify(Secp256k1.context, candidate) == 1 {
                    self.bytes = candidate
                    return
                }
            }
        }

        /// Imports a key from its 32 big-endian bytes.
        ///
        /// - Parameters:
        ///   - rawRepresentation: Exactly 32 bytes encoding a scalar in `1 ..< n`.
        /// - Throws: ``CryptoError/Code/invalidKeyLength`` for any other length,
        ///   ``CryptoError/Code/invalidPrivateKey`` for zero or a value not below the group order.
        public init<B: Collection<UInt8>>(rawRepresentation: B) throws(CryptoError) {
            let candidate = Array(rawRepresentation)
            guard candidate.count == Self.byteCount else {
                throw .invalidKeyLength(expected: Self.byteCount, actual: candidate.count)
            }
            guard secp256k1_ec_seckey_verify(Secp256k1.context, candidate) == 1 else {
                throw .invalidPrivateKey()
            }
            self.bytes = candidate
        }

        /// Imports a key from 64 hex digits, with or without a `0x` prefix.
        ///
        /// - Parameters:
        ///   - hex: The key as hexadecimal text.
        /// - Throws: ``CryptoError/Code/invalidHex``, ``CryptoError/Code/invalidKeyLength`` or
        ///   ``CryptoError/Code/invalidPrivateKey``.
        public init(hex: String) throws(CryptoError) {
            try self.init(rawRepresentation: Hex.decode(hex))
        }

        /// The 32 big-endian bytes of the key. Handle with care.
        public var rawRepresentation: [UInt8] { bytes }

        /// The key as 64 lowercase hex digits, for explicit export only. Handle with care.
        public var hexString: String { Hex.encode(bytes) }

        /// The public key `k·G`.
        public var publicKey: PublicKey {
            var point = secp256k1_pubkey()
            // Cannot fail: the scalar was validated when this key was made.
            guard secp256k1_ec_pubkey_create(Secp256k1.context, &point, bytes) == 1 else {
                fatalError("secp256k1_ec_pubkey_create rejected a validated key")
            }
            return PublicKey(point)
        }

        /// Signs a 32-byte digest with ECDSA.
        ///
        /// The nonce is deterministic (RFC 6979 with HMAC-SHA256, libsecp256k1's default), so
        /// the same key and digest always give the same signature, and `s` is always in the
        /// lower half of the order (the form ``PublicKey/isValidSignature(_:forDigest:)``
        /// and geth accept).
        ///
        /// - Parameters:
        ///   - digest: The 32-byte message digest (for example Keccak-256 or SHA-256 output).
        /// - Returns: The 64-byte compact signature `r || s` without a recovery id.
        /// - Throws: ``CryptoError/Code/invalidDigestLength`` when `digest` is not 32 bytes.
        public func signature(forDigest digest: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
            let message = Array(digest)
            guard message.count == 32 else { throw .invalidDigestLength(actual: message.count) }
            var signature = secp256k1_ecdsa_signature()
            guard secp256k1_ecdsa_sign(Secp256k1.context, &signature, message, bytes, nil, nil) == 1 else {
                throw .internalFailure("secp256k1_ecdsa_sign failed")
            }
            var compact = [UInt8](repeating: 0, count: 64)
            guard secp256k1_ecdsa_signature_serialize_compact(Secp256k1.context, &compact, &signature) == 1 else {
                throw .internalFailure("secp256k1_ecdsa_signature_serialize_compact failed")
            }
            return compact
        }

        /// Computes the Diffie-Hellman shared point with another party's public key.
        ///
        /// Discovery v5 uses the point itself, compressed, as the secret: the parity byte
        /// `0x02 | (y & 1)` followed by the 32-byte x coordinate. It is **not** hashed here
        /// (libsecp256k1's default would SHA-256 it); the caller feeds it to HKDF.
        ///
        /// - Parameters:
        ///   - publicKey: The other party's public key.
        /// - Returns: The 33-byte compressed shared point.
        /// - Throws: ``CryptoError/Code/internalFailure`` if libsecp256k1 refuses (not expected
        ///   for validated keys).
        public func sharedSecret(with publicKey: PublicKey) throws(CryptoError) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: 33)
            var point = publicKey.point
            let ok = secp256k1_ecdh(Secp256k1.context, &output, &point, bytes, compressedPointHash, nil)
            guard ok == 1 else { throw .internalFailure("secp256k1_ecdh failed") }
            return output
        }

        /// `PrivateKey(<redacted>)`: never the key.
        public var description: String { "PrivateKey(<redacted>)" }

        /// `PrivateKey(<redacted>)`: never the key.
        public var debugDescription: String { description }

        /// Compares two keys in constant time.
        public static func == (lhs: PrivateKey, rhs: PrivateKey) -> Bool {
            var difference: UInt8 = 0
            for index in 0..<byteCount {
                difference |= lhs.bytes[index] ^ rhs.bytes[index]
            }
            return difference == 0
        }
    }
}

/// The ECDH "hash" that outputs the shared point in compressed form instead of hashing it:
/// `0x02 | (y[31] & 1)` then the 32 bytes of x. libsecp256k1 passes affine, big-endian
/// coordinates, so the low bit of the last byte of `y` is its parity.
private let compressedPointHash: secp256k1_ecdh_hash_function = { output, x, y, _ in
    guard let output, let x, let y else { return 0 }
    output[0] = 0x02 | (y[31] & 1)
    (output + 1).update(from: x, count: 32)
    return 1
}
