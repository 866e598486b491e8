// SPDX-License-Identifier: Apache-2.0

/// The one error type of `Discv5Crypto`.
///
/// Errors compare and hash by ``code`` only; the human-readable detail and the source location
/// are diagnostics. No error ever carries key material, plaintext or secrets in its description.
public struct CryptoError: Error, Hashable, CustomStringConvertible {
    /// What went wrong, as an extensible set of values (new codes may be added in any release,
    /// so `switch` over codes with a `default:`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case invalidKeyLength
            case invalidPrivateKey
            case invalidPublicKey
            case invalidSignature
            case invalidDigestLength
            case invalidNonceLength
            case invalidInputLength
            case authenticationFailure
            case invalidHex
            case internalFailure
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A key had the wrong number of bytes.
        public static let invalidKeyLength = Code(.invalidKeyLength)
        /// A 32-byte secp256k1 secret key was zero or not below the group order.
        public static let invalidPrivateKey = Code(.invalidPrivateKey)
        /// Bytes did not encode a point on secp256k1 in a supported form.
        public static let invalidPublicKey = Code(.invalidPublicKey)
        /// A signature had the wrong length or could not be parsed.
        public static let invalidSignature = Code(.invalidSignature)
        /// A message digest to sign was not 32 bytes.
        public static let invalidDigestLength = Code(.invalidDigestLength)
        /// An AES nonce or IV had the wrong number of bytes.
        public static let invalidNonceLength = Code(.invalidNonceLength)
        /// An input was too large for the underlying library.
        public static let invalidInputLength = Code(.invalidInputLength)
        /// An AES-GCM tag did not verify, or the input was too short to hold one.
        public static let authenticationFailure = Code(.authenticationFailure)
        /// A string was not valid hexadecimal (odd length or a non-hex character).
        public static let invalidHex = Code(.invalidHex)
        /// The underlying library reported an unexpected failure.
        public static let internalFailure = Code(.internalFailure)

        /// The code's name, e.g. `authenticationFailure`.
        public var description: String {
            switch base {
            case .invalidKeyLength: "invalidKeyLength"
            case .invalidPrivateKey: "invalidPrivateKey"
            case .invalidPublicKey: "invalidPublicKey"
            case .invalidSignature: "invalidSignature"
            case .invalidDigestLength: "invalidDigestLength"
            case .invalidNonceLength: "invalidNonceLength"
            case .invalidInputLength: "invalidInputLength"
            case .authenticationFailure: "authenticationFailure"
            case .invalidHex: "invalidHex"
            case .internalFailure: "internalFailure"
            }
        }
    }

    /// What went wrong.
    public let code: Code

    /// A short explanation for logs; never contains secrets.
    private let reason: String
    private let file: String
    private let line: UInt

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - reason: A short explanation for logs; must not contain secrets.
    ///   - file: The source file that raised it.
    ///   - line: The source line that raised it.
    public init(code: Code, reason: String = "", file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// One line: the code, the reason when there is one, and where it was raised.
    public var description: String {
        let detail = reason.isEmpty ? "" : ": \(reason)"
        return "CryptoError.\(code)\(detail) (\(file):\(line))"
    }

    public static func == (lhs: CryptoError, rhs: CryptoError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

// MARK: - Factories

extension CryptoError {
    @inline(never)
    static func invalidKeyLength(expected: Int, actual: Int, file: String = #fileID, line: UInt = #line) -> CryptoError
    {
        CryptoError(
            code: .invalidKeyLength,
            reason: "expected \(expected) bytes, got \(actual)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidPrivateKey(file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(
            code: .invalidPrivateKey,
            reason: "scalar is zero or not below the group order",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidPublicKey(_ reason: String, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .invalidPublicKey, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func invalidDigestLength(actual: Int, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .invalidDigestLength, reason: "expected 32 bytes, got \(actual)", file: file, line: line)
    }

    @inline(never)
    static func invalidNonceLength(
        expected: Int,
        actual: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> CryptoError {
        CryptoError(
            code: .invalidNonceLength,
            reason: "expected \(expected) bytes, got \(actual)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidInputLength(_ reason: String, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .invalidInputLength, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func authenticationFailure(_ reason: String, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .authenticationFailure, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func invalidHex(_ reason: String, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .invalidHex, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func internalFailure(_ reason: String, file: String = #fileID, line: UInt = #line) -> CryptoError {
        CryptoError(code: .internalFailure, reason: reason, file: file, line: line)
    }
}
