// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// HMAC with SHA-256 (RFC 2104), computed by OpenSSL's `EVP_MAC` interface.
public enum HMACSHA256 {
    /// The length of an authentication code in bytes.
    public static let byteCount = 32

    /// Computes the HMAC-SHA256 of `data` under `key`.
    ///
    /// - Parameters:
    ///   - data: The message to authenticate; any length.
    ///   - key: The key; any length, including empty (keys longer than 64 bytes are hashed
    ///     first, as RFC 2104 specifies).
    /// - Returns: The 32-byte authentication code.
    public static func authenticationCode(for data: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: key) { key in
            withContiguousBytes(of: data) { data in
                authenticationCode(bytes: data, key: key)
            }
        }
    }

    /// Computes the HMAC-SHA256 of raw buffers without copying them first.
    ///
    /// - Parameters:
    ///   - bytes: The message to authenticate; any length.
    ///   - key: The key; any length, including empty.
    /// - Returns: The 32-byte authentication code.
    public static func authenticationCode(bytes: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer) -> [UInt8] {
        guard let context = EVP_MAC_CTX_dup(OpenSSLAlgorithms.hmacSHA256Template) else {
            fatalError("EVP_MAC_CTX_dup failed")
        }
        defer { EVP_MAC_CTX_free(context) }
        return [UInt8](unsafeUninitializedCapacity: byteCount) { output, initialized in
            var length = 0
            // A non-null key pointer even for an empty key: OpenSSL reads null as "no key".
            guard
                EVP_MAC_init(context, key.nonNullBaseAddress.assumingMemoryBound(to: UInt8.self), key.count, nil) == 1,
                EVP_MAC_update(context, bytes.nonNullBaseAddress.assumingMemoryBound(to: UInt8.self), bytes.count) == 1,
                EVP_MAC_final(context, output.baseAddress, &length, byteCount) == 1,
                length == byteCount
            else {
                fatalError("HMAC-SHA256 failed inside OpenSSL")
            }
            initialized = byteCount
        }
    }
}
