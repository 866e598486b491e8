// SPDX-License-Identifier: Apache-2.0

/// The one error type of the ENR module.
///
/// Errors compare equal when their ``code`` is equal; the detail text is for people only.
public struct ENRError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The text form does not start with `enr:`.
        public static let missingPrefix = Code("missing 'enr:' prefix")
        /// The text form is not unpadded base64url.
        public static let invalidBase64 = Code("not valid base64url")
        /// The encoded record is larger than ``ENR/maximumEncodedSize``.
        public static let recordTooLarge = Code("record larger than 300 bytes")
        /// The bytes are not a strict RLP list of the record's shape.
        public static let malformedRecord = Code("malformed record")
        /// The keys are not in strictly ascending byte order.
        public static let unsortedKeys = Code("keys not sorted")
        /// The same key appears twice.
        public static let duplicateKey = Code("duplicate key")
        /// The record has no `id` key.
        public static let missingIdentityScheme = Code("missing identity scheme")
        /// The `id` is not a scheme this implementation knows (only "v4").
        public static let unknownIdentityScheme = Code("unknown identity scheme")
        /// The `secp256k1` key is absent or not a valid compressed public key.
        public static let invalidPublicKey = Code("invalid public key")
        /// The signature does not verify against the record's public key.
        public static let invalidSignature = Code("invalid signature")
        /// The `seq` is not a canonical unsigned 64-bit integer, or would overflow.
        public static let invalidSequenceNumber = Code("invalid sequence number")
        /// A typed value (address, port) has the wrong length or form.
        public static let invalidValue = Code("invalid value")
        /// Signing with the given private key failed, or the key does not match the record.
        public static let signingFailed = Code("signing failed")
    }

    /// The category of the failure; equality compares this only.
    public let code: Code
    /// A human-readable detail, never containing key material.
    public let detail: String

    @inline(never)
    init(_ code: Code, _ detail: String = "") {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        detail.isEmpty ? "\(code)" : "\(code): \(detail)"
    }

    public static func == (lhs: ENRError, rhs: ENRError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
