// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// AES-128 in Galois/Counter Mode with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D):
/// the message cipher of Discovery v5 sessions.
///
/// An instance holds one OpenSSL cipher context with the key schedule already expanded, so a
/// session sets its key once and then seals and opens any number of packets, each with its own
/// nonce. The nonce must never repeat under one key; choosing it is the caller's job.
///
/// An instance is not thread-safe (the context is mutated by every call) and therefore not
/// `Sendable`: keep it inside the one owner of the session, such as an actor. The static
/// ``seal(key:nonce:plaintext:ad:)`` and ``open(key:nonce:ciphertextAndTag:ad:)`` build a
/// throwaway context for one-off use.
public final class AES128GCM {
    /// The key length in bytes.
    public static let keyByteCount = 16
    /// The nonce length in bytes.
    public static let nonceByteCount = 12
    /// The authentication tag length in bytes, appended to every ciphertext.
    public static let tagByteCount = 16

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
        // Expand the key schedule now; every later call passes only a new nonce, which keeps
        // the schedule (GCM uses the forward cipher for both directions).
        guard EVP_CipherInit_ex2(context, OpenSSLAlgorithms.aes128GCM, key, nil, 1, nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            OpenSSLAlgorithms.clearErrors()
            throw .internalFailure("AES-128-GCM key setup failed")
        }
        self.context = context
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
    }

    /// Encrypts and authenticates a message.
    ///
    /// - Parameters:
    ///   - plaintext: The message; may be empty.
    ///   - nonce: The 12-byte nonce; never reuse one under the same key.
    ///   - ad: Additional data that is authenticated but not encrypted; may be empty.
    /// - Returns: The ciphertext (as long as `plaintext`) followed by the 16-byte tag.
    /// - Throws: ``CryptoError/Code/invalidNonceLength`` when `nonce` is not 12 bytes.
    public func seal(
        _ plaintext: some Collection<UInt8>,
        nonce: some Collection<UInt8>,
        authenticating ad: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        let result: Result<[UInt8], CryptoError> = withContiguousBytes(of: plaintext) { plaintext in
            withContiguousBytes(of: nonce) { nonce in
                withContiguousBytes(of: ad) { ad in
                    Result { () throws(CryptoError) -> [UInt8] in
                        let count = plaintext.count + Self.tagByteCount
                        var output = [UInt8](repeating: 0, count: count)
                        let written = output.withUnsafeMutableBytes { output in
                            Result { () throws(CryptoError) -> Int in
                                try seal(plaintext: plaintext, nonce: nonce, authenticating: ad, into: output)
                            }
                        }
                        _ = try written.get()
                        return output
                    }
                }
            }
        }
        return try result.get()
    }

    /// Decrypts a message and checks its tag.
    ///
    /// - Parameters:
    ///   - ciphertextAndTag: The ciphertext followed by its 16-byte tag.
    ///   - nonce: The 12-byte nonce it was sealed with.
    ///   - ad: The additional data it was sealed with.
    /// - Returns: The plaintext.
    /// - Throws: ``CryptoError/Code/authenticationFailure`` when the tag does not verify or the
    ///   input is shorter than a tag; ``CryptoError/Code/invalidNonceLength`` when `nonce` is
    ///   not 12 bytes. No plaintext is returned unless the tag verified.
    public func open(
        _ ciphertextAndTag: some Collection<UInt8>,
        nonce: some Collection<UInt8>,
        authenticating ad: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        let result: Result<[UInt8], CryptoError> = withContiguousBytes(of: ciphertextAndTag) { input in
            withContiguousBytes(of: nonce) { nonce in
                withContiguousBytes(of: ad) { ad in
                    Result { () throws(CryptoError) -> [UInt8] in
                        guard input.count >= Self.tagByteCount else {
                            throw .authenticationFailure("input of \(input.count) bytes is shorter than a tag")
                        }
                        var output = [UInt8](repeating: 0, count: input.count - Self.tagByteCount)
                        let written = output.withUnsafeMutableBytes { output in
                            Result { () throws(CryptoError) -> Int in
                                try open(ciphertextAndTag: input, nonce: nonce, authenticating: ad, into: output)
                            }
                        }
                        _ = try written.get()
                        return output
                    }
                }
            }
        }
        return try result.get()
    }

    /// Encrypts into caller-provided memory, for the packet hot path.
    ///
    /// - Parameters:
    ///   - plaintext: The message; may be empty. It may overlap `output` only if it starts at
    ///     the same address (in-place encryption).
    ///   - nonce: The 12-byte nonce.
    ///   - ad: The additional authenticated data; may be empty.
    ///   - output: At least `plaintext.count + 16` bytes; receives ciphertext then tag.
    /// - Returns: The number of bytes written, `plaintext.count + 16`.
    /// - Throws: ``CryptoError/Code/invalidNonceLength`` or
    ///   ``CryptoError/Code/invalidInputLength`` (output too small, input over 2 GiB).
    public func seal(
        plaintext: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) -> Int {
        try checkLengths(data: plaintext.count, nonce: nonce.count, ad: ad.count)
        let total = plaintext.count + Self.tagByteCount
        guard output.count >= total, let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw .invalidInputLength("output buffer holds \(output.count) bytes, need \(total)")
        }
        try start(nonce: nonce, encrypting: true, ad: ad)
        var written: Int32 = 0
        guard
            EVP_CipherUpdate(context, out, &written, bytePointer(plaintext), Int32(plaintext.count)) == 1,
            Int(written) == plaintext.count
        else {
            throw failed(.internalFailure("AES-128-GCM encryption failed"))
        }
        var final: Int32 = 0
        guard EVP_CipherFinal_ex(context, out + plaintext.count, &final) == 1,
            EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_AEAD_GET_TAG, Int32(Self.tagByteCount), out + plaintext.count) == 1
        else {
            throw failed(.internalFailure("AES-128-GCM tag computation failed"))
        }
        return total
    }

    /// Decrypts into caller-provided memory, for the packet hot path.
    ///
    /// The output may hold unauthenticated plaintext when this throws; discard it then.
    ///
    /// - Parameters:
    ///   - ciphertextAndTag: The ciphertext followed by its 16-byte tag.
    ///   - nonce: The 12-byte nonce.
    ///   - ad: The additional authenticated data; may be empty.
    ///   - output: At least `ciphertextAndTag.count - 16` bytes; receives the plaintext.
    /// - Returns: The number of plaintext bytes written.
    /// - Throws: ``CryptoError/Code/authenticationFailure`` (bad tag or input shorter than a
    ///   tag), ``CryptoError/Code/invalidNonceLength`` or ``CryptoError/Code/invalidInputLength``.
    public func open(
        ciphertextAndTag: UnsafeRawBufferPointer,
        nonce: UnsafeRawBufferPointer,
        authenticating ad: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError) -> Int {
        guard ciphertextAndTag.count >= Self.tagByteCount else {
            throw .authenticationFailure("input of \(ciphertextAndTag.count) bytes is shorter than a tag")
        }
        let count = ciphertextAndTag.count - Self.tagByteCount
        try checkLengths(data: count, nonce: nonce.count, ad: ad.count)
        guard output.count >= count else {
            throw .invalidInputLength("output buffer holds \(output.count) bytes, need \(count)")
        }
        try start(nonce: nonce, encrypting: false, ad: ad)
        let input = bytePointer(ciphertextAndTag)
        // A non-null output address even for an empty message; OpenSSL writes nothing then.
        let out = (output.baseAddress ?? emptyBufferAnchor).assumingMemoryBound(to: UInt8.self)
        var written: Int32 = 0
        guard EVP_CipherUpdate(context, out, &written, input, Int32(count)) == 1, Int(written) == count else {
            throw failed(.internalFailure("AES-128-GCM decryption failed"))
        }
        // OpenSSL only reads the expected tag here, despite the mutable pointer type.
        guard
            EVP_CIPHER_CTX_ctrl(
                context,
                EVP_CTRL_AEAD_SET_TAG,
                Int32(Self.tagByteCount),
                UnsafeMutablePointer(mutating: input + count)
            ) == 1
        else {
            throw failed(.internalFailure("AES-128-GCM could not take the tag"))
        }
        var final: Int32 = 0
        guard EVP_CipherFinal_ex(context, out + count, &final) == 1 else {
            throw failed(.authenticationFailure("tag mismatch"))
        }
        return count
    }

    /// Encrypts and authenticates with a throwaway context.
    ///
    /// - Parameters:
    ///   - key: The 16-byte key.
    ///   - nonce: The 12-byte nonce.
    ///   - plaintext: The message; may be empty.
    ///   - ad: The additional authenticated data; may be empty.
    /// - Returns: The ciphertext followed by the 16-byte tag.
    /// - Throws: ``CryptoError/Code/invalidKeyLength`` or ``CryptoError/Code/invalidNonceLength``.
    public static func seal(
        key: some Collection<UInt8>,
        nonce: some Collection<UInt8>,
        plaintext: some Collection<UInt8>,
        ad: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        try AES128GCM(key: key).seal(plaintext, nonce: nonce, authenticating: ad)
    }

    /// Decrypts and verifies with a throwaway context.
    ///
    /// - Parameters:
    ///   - key: The 16-byte key.
    ///   - nonce: The 12-byte nonce.
    ///   - ciphertextAndTag: The ciphertext followed by its 16-byte tag.
    ///   - ad: The additional authenticated data; may be empty.
    /// - Returns: The plaintext.
    /// - Throws: ``CryptoError/Code/authenticationFailure``, ``CryptoError/Code/invalidKeyLength``
    ///   or ``CryptoError/Code/invalidNonceLength``.
    public static func open(
        key: some Collection<UInt8>,
        nonce: some Collection<UInt8>,
        ciphertextAndTag: some Collection<UInt8>,
        ad: some Collection<UInt8>
    ) throws(CryptoError) -> [UInt8] {
        try AES128GCM(key: key).open(ciphertextAndTag, nonce: nonce, authenticating: ad)
    }

    // MARK: - Private

    /// Clears OpenSSL's error queue after a failed call and passes `error` on. Only failures leave
    /// errors there, so the success path skips the (per-packet, measurable) clearing.
    private func failed(_ error: CryptoError) -> CryptoError {
        OpenSSLAlgorithms.clearErrors()
        return error
    }

    private func checkLengths(data: Int, nonce: Int, ad: Int) throws(CryptoError) {
        guard nonce == Self.nonceByteCount else {
            throw .invalidNonceLength(expected: Self.nonceByteCount, actual: nonce)
        }
        // OpenSSL's update functions take `int` lengths.
        guard data <= Int(Int32.max), ad <= Int(Int32.max) else {
            throw .invalidInputLength("input exceeds 2 GiB")
        }
    }

    /// Re-arms the context with a nonce (keeping the key schedule) and feeds the AAD.
    private func start(nonce: UnsafeRawBufferPointer, encrypting: Bool, ad: UnsafeRawBufferPointer) throws(CryptoError)
    {
        guard EVP_CipherInit_ex2(context, nil, nil, bytePointer(nonce), encrypting ? 1 : 0, nil) == 1 else {
            throw failed(.internalFailure("AES-128-GCM nonce setup failed"))
        }
        if !ad.isEmpty {
            var ignored: Int32 = 0
            guard EVP_CipherUpdate(context, nil, &ignored, bytePointer(ad), Int32(ad.count)) == 1 else {
                throw failed(.internalFailure("AES-128-GCM additional data failed"))
            }
        }
    }
}

@available(*, unavailable)
extension AES128GCM: Sendable {}

/// A buffer's bytes as the `unsigned char *` OpenSSL wants; non-null even when empty.
@inline(__always)
func bytePointer(_ buffer: UnsafeRawBufferPointer) -> UnsafePointer<UInt8> {
    buffer.nonNullBaseAddress.assumingMemoryBound(to: UInt8.self)
}
