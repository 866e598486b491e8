// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// HKDF with SHA-256 (RFC 5869), computed by OpenSSL's `EVP_KDF` interface.
///
/// Discovery v5 derives its session keys as
/// `prk = HKDF-Extract(salt: challenge-data, ikm: ecdh-secret)` followed by
/// `HKDF-Expand(prk, "discovery v5 key agreement" || node-id-A || node-id-B, 32)`.
public enum HKDF {
    /// The largest output HKDF-Expand can produce with SHA-256: 255 blocks of 32 bytes.
    public static let maximumOutputByteCount = 255 * 32

    /// HKDF-Extract: concentrates the entropy of `inputKeyMaterial` into a pseudorandom key.
    ///
    /// - Parameters:
    ///   - salt: The salt; empty means "no salt" (RFC 5869 then uses 32 zero bytes, which gives
    ///     the same result).
    ///   - inputKeyMaterial: The secret input, such as an ECDH shared secret.
    /// - Returns: The 32-byte pseudorandom key.
    public static func extract(salt: some Collection<UInt8>, inputKeyMaterial: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: salt) { salt in
            withContiguousBytes(of: inputKeyMaterial) { ikm in
                extract(salt: salt, inputKeyMaterial: ikm)
            }
        }
    }

    /// HKDF-Extract over raw buffers.
    ///
    /// - Parameters:
    ///   - salt: The salt; may be empty.
    ///   - inputKeyMaterial: The secret input.
    /// - Returns: The 32-byte pseudorandom key.
    public static func extract(salt: UnsafeRawBufferPointer, inputKeyMaterial: UnsafeRawBufferPointer) -> [UInt8] {
        derive(mode: EVP_KDF_HKDF_MODE_EXTRACT_ONLY, key: inputKeyMaterial, salt: salt, info: nil, count: 32)
    }

    /// HKDF-Expand: stretches a pseudorandom key into `outputByteCount` bytes bound to `info`.
    ///
    /// - Parameters:
    ///   - pseudoRandomKey: The key from ``extract(salt:inputKeyMaterial:)`` (at least 32 bytes).
    ///   - info: Context that binds the output to its use; may be empty.
    ///   - outputByteCount: How many bytes to produce, `0...8160`. Asking for more is a
    ///     programming error and stops the process.
    /// - Returns: `outputByteCount` bytes of key material.
    public static func expand(
        pseudoRandomKey: some Collection<UInt8>,
        info: some Collection<UInt8>,
        outputByteCount: Int
    ) -> [UInt8] {
        withContiguousBytes(of: pseudoRandomKey) { prk in
            withContiguousBytes(of: info) { info in
                expand(pseudoRandomKey: prk, info: info, outputByteCount: outputByteCount)
            }
        }
    }

    /// HKDF-Expand over raw buffers.
    ///
    /// - Parameters:
    ///   - pseudoRandomKey: The pseudorandom key.
    ///   - info: Context that binds the output to its use; may be empty.
    ///   - outputByteCount: How many bytes to produce, `0...8160`.
    /// - Returns: `outputByteCount` bytes of key material.
    public static func expand(
        pseudoRandomKey: UnsafeRawBufferPointer,
        info: UnsafeRawBufferPointer,
        outputByteCount: Int
    ) -> [UInt8] {
        precondition(
            (0...maximumOutputByteCount).contains(outputByteCount),
            "HKDF-SHA256 output length must be in 0...\(maximumOutputByteCount)"
        )
        if outputByteCount == 0 { return [] }
        return derive(
            mode: EVP_KDF_HKDF_MODE_EXPAND_ONLY,
            key: pseudoRandomKey,
            salt: nil,
            info: info,
            count: outputByteCount
        )
    }

    private static func derive(
        mode: Int32,
        key: UnsafeRawBufferPointer,
        salt: UnsafeRawBufferPointer?,
        info: UnsafeRawBufferPointer?,
        count: Int
    ) -> [UInt8] {
        // A fresh context per derivation: OpenSSL 3.0's HKDF cannot duplicate a configured
        // context, and HKDF runs once per handshake, not per packet. The algorithm itself is
        // fetched only once (`OpenSSLAlgorithms.hkdf`).
        guard let context = EVP_KDF_CTX_new(OpenSSLAlgorithms.hkdf) else { fatalError("EVP_KDF_CTX_new failed") }
        defer { EVP_KDF_CTX_free(context) }
        var mode = mode
        return withUnsafeMutablePointer(to: &mode) { modePointer in
            var parameters: [OSSL_PARAM] = []
            parameters.reserveCapacity(6)
            // OpenSSL copies every parameter while `EVP_KDF_derive` applies them, so borrowed
            // pointers only need to live for this call. An empty key is passed with a non-null
            // address: a null one would mean "no key" and fail the derivation.
            parameters.append(OSSL_PARAM_construct_utf8_string(cString("digest"), mutableCString("SHA256"), 0))
            parameters.append(OSSL_PARAM_construct_int(cString("mode"), modePointer))
            parameters.append(octetParameter("key", key))
            if let salt, !salt.isEmpty {
                parameters.append(octetParameter("salt", salt))
            }
            if let info, !info.isEmpty {
                parameters.append(octetParameter("info", info))
            }
            parameters.append(OSSL_PARAM_construct_end())
            return [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
                guard EVP_KDF_derive(context, output.baseAddress, count, &parameters) == 1 else {
                    fatalError("HKDF-SHA256 failed inside OpenSSL")
                }
                initialized = count
            }
        }
    }

    /// Builds an octet-string parameter (`OSSL_KDF_PARAM_KEY` is "key", `_SALT` "salt", `_INFO`
    /// "info"). The names are string literals with static storage.
    private static func octetParameter(_ name: StaticString, _ value: UnsafeRawBufferPointer) -> OSSL_PARAM {
        OSSL_PARAM_construct_octet_string(
            cString(name),
            UnsafeMutableRawPointer(mutating: value.nonNullBaseAddress),
            value.count
        )
    }

    /// A static string literal as a C string; static storage, so it never dangles.
    private static func cString(_ literal: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
    }

    /// As ``cString(_:)``, for parameters OpenSSL declares mutable but only reads.
    private static func mutableCString(_ literal: StaticString) -> UnsafeMutablePointer<CChar> {
        UnsafeMutablePointer(mutating: cString(literal))
    }
}
