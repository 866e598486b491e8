// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// AES-128 in counter mode (NIST SP 800-38A §6.5) with a 16-byte initial counter block:
/// the header-masking cipher of Discovery v5 packets.
///
/// Encryption and decryption are the same operation, ``apply(_:iv:)``. An instance keeps its
/// OpenSSL context with the key schedule expanded, so a node masks or unmasks many headers
/// under one key (its own node id, for incoming packets) without redoing it. Each call starts
/// from its own IV; the counter block increments as a 128-bit big-endian integer.
///
/// Not thread-safe and therefore not `Sendable`; the static ``apply(key:iv:to:)`` builds a
/// throwaway context for one-off use (masking towards a peer's id).
public final class AES128CTR {
    /// The key length in bytes.
    public static let keyByteCount = 16
    /// The IV (initial counter block) length in bytes.
    public static let ivByteCount = 16

    private let context: OpaquePointer

    /// Creates a context for one key.
    ///
    /// - Parameters:
    ///   - key: The 16-byte AES key.
    /// - Throws: ``CryptoError/Code/invalidKeyLength`` when `key` is not 16 bytes.
    public init(key: some Collection<UInt8>) throws(CryptoError) {
        let key = Array(key)
        guard key.count == Self.keyByteCount else {
            throw .invalidKeyLength(expected: Self.keyByteCount, actual: key.count)
        }
        guard let context = EVP_CIPHER_CTX_new() else {
            throw .internalFailure("EVP_CIPHER_CTX_new failed")
        }
        guard EVP_CipherInit_ex2(context, OpenSSLAlgorithms.aes128CTR, key, nil, 1, nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            OpenSSLAlgorithms.clearErrors()
            throw .internalFailure("AES-128-CTR key setup failed")
        }
        self.context = context
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
    }

    /// Encrypts or decrypts `data` (the same operation in counter mode).
    ///
    /// - Parameters:
    ///   - data: The bytes to transform; any length.
    ///   - iv: The 16-byte initial counter block.
    /// - Returns: `data` XORed with the key stream.
    /// - Throws: ``CryptoError/Code/invalidNonceLength`` when `iv` is not 16 bytes.
    public func apply(_ data: some Collection<UInt8>, iv: some Collection<UInt8>) throws(CryptoError) -> [UInt8] {
        var output = Array(data)
        try apply(to: &output, iv: iv)
        return output
    }

    /// Encrypts or decrypts a byte array in place.
    ///
    /// - Parameters:
    ///   - data: The bytes to transform, overwritten with the result.
    ///   - iv: The 16-byte initial counter block.
    /// - Throws: ``CryptoError/Code/invalidNonceLength`` when `iv` is not 16 bytes.
    public func apply(to data: inout [UInt8], iv: some Collection<UInt8>) throws(CryptoError) {
        let ivBytes = Array(iv)
        let result = ivBytes.withUnsafeBytes { iv in
            data.withUnsafeMutableBytes { buffer in
                Result { () throws(CryptoError) in try applyInPlace(buffer, iv: iv) }
            }
        }
        try result.get()
    }

    /// Encrypts or decrypts memory in place, for the packet hot path.
    ///
    /// - Parameters:
    ///   - buffer: The bytes to transform, overwritten with the result; may be empty.
    ///   - iv: The 16-byte initial counter block.
    /// - Throws: ``CryptoError/Code/invalidNonceLength`` when `iv` is not 16 bytes;
    ///   ``CryptoError/Code/invalidInputLength`` over 2 GiB.
    public func applyInPlace(_ buffer: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) throws(CryptoError) {
        guard iv.count == Self.ivByteCount else {
            throw .invalidNonceLength(expected: Self.ivByteCount, actual: iv.count)
        }
        guard buffer.count <= Int(Int32.max) else { throw .invalidInputLength("input exceeds 2 GiB") }
        guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // Re-initialising with only an IV keeps the key schedule and resets the counter and
        // the partial-block position, so every call is independent of the previous one.
        var written: Int32 = 0
        guard EVP_CipherInit_ex2(context, nil, nil, bytePointer(iv), 1, nil) == 1,
            EVP_CipherUpdate(context, base, &written, base, Int32(buffer.count)) == 1,
            Int(written) == buffer.count
        else {
            // Only a failure leaves errors on OpenSSL's thread-local queue; clearing it on every
            // call cost more than the masking itself.
            OpenSSLAlgorithms.clearErrors()
            throw .internalFailure("AES-128-CTR failed")
        }
    }

    /// Encrypts or decrypts with a throwaway context.
    ///
    /// - Parameters:
    ///   - key: The 16-byte key.
    ///   - iv: The 16-byte initial counter block.
    ///   - data: The bytes to transform; any length.
    /// - Returns: `data` XORed with the key stream.
    /// - Throws: ``CryptoError/Code/invalidKeyLength`` or ``CryptoError/Code/invalidNonceLength``.
    public static func apply(
        key: some Collection<UInt8>,
        iv: some Collection<UInt8>,
        to data: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        try AES128CTR(key: key).apply(data, iv: iv)
    }
}

@available(*, unavailable)
extension AES128CTR: Sendable {}
