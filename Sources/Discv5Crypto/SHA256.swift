// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// SHA-256 (FIPS 180-4), computed by OpenSSL.
///
/// Discovery v5 uses it for the identity-proof digest that a handshake signs.
public enum SHA256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// Hashes `data`.
    ///
    /// - Parameters:
    ///   - data: The bytes to hash; any length, including empty.
    /// - Returns: The 32-byte digest.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: data) { hash(bytes: $0) }
    }

    /// Hashes the bytes of a raw buffer without copying them first.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to hash; any length, including empty.
    /// - Returns: The 32-byte digest.
    public static func hash(bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: byteCount) { digest, initialized in
            var length: UInt32 = 0
            let ok = EVP_Digest(
                bytes.nonNullBaseAddress,
                bytes.count,
                digest.baseAddress,
                &length,
                OpenSSLAlgorithms.sha256,
                nil
            )
            // SHA-256 over memory cannot fail short of memory exhaustion inside OpenSSL.
            guard ok == 1, length == UInt32(byteCount) else {
                fatalError("EVP_Digest(SHA256) failed")
            }
            initialized = byteCount
        }
    }
}
