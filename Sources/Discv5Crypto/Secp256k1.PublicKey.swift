// SPDX-License-Identifier: Apache-2.0

import CSecp256k1

extension Secp256k1 {
    /// A secp256k1 public key: a point on the curve (never the point at infinity).
    ///
    /// Two keys are equal when they are the same point, whatever encoding they came from.
    public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
        /// The length of the compressed encoding: parity byte then x.
        public static let compressedByteCount = 33
        /// The length of the uncompressed encoding: `0x04`, x, y.
        public static let uncompressedByteCount = 65
        /// The length of the bare coordinates `x || y`.
        public static let rawXYByteCount = 64

        /// libsecp256k1's parsed form, kept so that verification and ECDH need not re-parse.
        let point: secp256k1_pubkey
        /// `x || y`, the canonical form used for equality and hashing.
        private let xy: [UInt8]

        init(_ point: secp256k1_pubkey) {
            self.point = point
            var serialized = [UInt8](repeating: 0, count: Self.uncompressedByteCount)
            var length = Self.uncompressedByteCount
            var copy = point
            let ok = secp256k1_ec_pubkey_serialize(
                Secp256k1.context,
                &serialized,
                &length,
                &copy,
                UInt32(SECP256K1_EC_UNCOMPRESSED)
            )
            precondition(ok == 1 && length == Self.uncompressedByteCount, "serializing a parsed point failed")
            self.xy = Array(serialized[1...])
        }

        /// Parses a public key.
        ///
        /// - Parameters:
        ///   - bytes: 33 bytes (compressed, `02`/`03` then x), 65 bytes (`04`, x, y) or
        ///     64 bytes (`x || y`, as hashed into a node id). Hybrid `06`/`07` encodings are
        ///     rejected.
        /// - Throws: ``CryptoError/Code/invalidPublicKey`` for any other length, prefix, or a
        ///   point not on the curve.
        public init<B: Collection<UInt8>>(bytes: B) throws(CryptoError) {
            var input = Array(bytes)
            switch input.count {
            case Self.compressedByteCount:
                guard input[0] == 0x02 || input[0] == 0x03 else {
                    throw .invalidPublicKey("compressed key must start with 02 or 03")
                }
            case Self.uncompressedByteCount:
                guard input[0] == 0x04 else {
                    throw .invalidPublicKey("uncompressed key must start with 04")
                }
            case Self.rawXYByteCount:
                input.insert(0x04, at: 0)
            default:
                throw .invalidPublicKey("expected 33, 64 or 65 bytes, got \(input.count)")
            }
            var point = secp256k1_pubkey()
            guard secp256k1_ec_pubkey_parse(Secp256k1.context, &point, input, input.count) == 1 else {
                throw .invalidPublicKey("not a point on secp256k1")
            }
            self.init(point)
        }

        /// The 33-byte compressed encoding: `0x02 | (y & 1)`, then x.
        public var compressed: [UInt8] {
            [0x02 | (xy[63] & 1)] + xy[0..<32]
        }

        /// The 65-byte uncompressed encoding: `0x04`, x, y.
        public var uncompressed: [UInt8] {
            [0x04] + xy
        }

        /// The 64 bytes `x || y`: what a "v4" node id is the Keccak-256 of.
        public var rawXY: [UInt8] { xy }

        /// Checks an ECDSA signature over a 32-byte digest.
        ///
        /// Only the normalized (low-`s`) form is accepted, as libsecp256k1 and geth do: a
        /// signature with `s > n/2` returns `false` even though its mirror image would verify.
        /// This rules out signature malleability; every signer in the ecosystem emits low-`s`.
        ///
        /// - Parameters:
        ///   - signature: The 64-byte compact signature `r || s`.
        ///   - digest: The 32-byte digest that was signed.
        /// - Returns: `true` only for a well-formed, low-`s` signature that verifies; `false` for
        ///   anything else, including wrong lengths and `r` or `s` out of range.
        public func isValidSignature(
            _ signature: some Collection<UInt8>,
            forDigest digest: some Collection<UInt8>
        ) -> Bool {
            let compact = Array(signature)
            let message = Array(digest)
            guard compact.count == 64, message.count == 32 else { return false }
            var parsed = secp256k1_ecdsa_signature()
            guard secp256k1_ecdsa_signature_parse_compact(Secp256k1.context, &parsed, compact) == 1 else {
                return false
            }
            var point = self.point
            return secp256k1_ecdsa_verify(Secp256k1.context, &parsed, message, &point) == 1
        }

        /// `PublicKey(<compressed hex>)`; public keys are not secret.
        public var description: String { "PublicKey(\(Hex.encode(compressed)))" }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
            lhs.xy == rhs.xy
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(xy)
        }
    }
}
