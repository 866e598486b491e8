// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// The OpenSSL algorithm objects this module uses, fetched once per process.
///
/// `EVP_*_fetch` looks an algorithm up in the provider store under a lock, so doing it per
/// packet would cost more than the AES itself. Fetched objects are immutable and may be used
/// from any thread, which is why plain `nonisolated(unsafe)` globals are sound here.
/// A failed fetch means the OpenSSL installation lacks the default provider; nothing can
/// work then, so it stops the process with a clear message.
enum OpenSSLAlgorithms {
    /// `EVP_CIPHER` for AES-128-GCM.
    nonisolated(unsafe) static let aes128GCM: OpaquePointer = fetched(
        EVP_CIPHER_fetch(nil, "AES-128-GCM", nil),
        "AES-128-GCM"
    )
    /// `EVP_CIPHER` for AES-128-CTR.
    nonisolated(unsafe) static let aes128CTR: OpaquePointer = fetched(
        EVP_CIPHER_fetch(nil, "AES-128-CTR", nil),
        "AES-128-CTR"
    )
    /// `EVP_MD` for SHA-256.
    nonisolated(unsafe) static let sha256: OpaquePointer = fetched(EVP_MD_fetch(nil, "SHA256", nil), "SHA256")
    /// `EVP_MAC` for HMAC.
    nonisolated(unsafe) static let hmac: OpaquePointer = fetched(EVP_MAC_fetch(nil, "HMAC", nil), "HMAC")
    /// `EVP_KDF` for HKDF.
    nonisolated(unsafe) static let hkdf: OpaquePointer = fetched(EVP_KDF_fetch(nil, "HKDF", nil), "HKDF")

    /// An HMAC context with the digest set to SHA-256 and no key: duplicated per use, so that
    /// the digest name is resolved once rather than on every MAC.
    nonisolated(unsafe) static let hmacSHA256Template: OpaquePointer = {
        guard let context = EVP_MAC_CTX_new(hmac) else { fatalError("EVP_MAC_CTX_new failed") }
        let ok = withDigestParameters { parameters in EVP_MAC_CTX_set_params(context, parameters) }
        guard ok == 1 else { fatalError("cannot select SHA256 for HMAC") }
        return context
    }()

    private static func withDigestParameters(_ body: (UnsafePointer<OSSL_PARAM>) -> Int32) -> Int32 {
        OSSL_MAC_PARAM_DIGEST.withCString { digestKey in
            "SHA256".withCString { digestName in
                let parameters = [
                    OSSL_PARAM_construct_utf8_string(digestKey, UnsafeMutablePointer(mutating: digestName), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return parameters.withUnsafeBufferPointer { body($0.baseAddress!) }
            }
        }
    }

    private static func fetched(_ object: OpaquePointer?, _ name: String) -> OpaquePointer {
        guard let object else {
            fatalError("OpenSSL cannot fetch \(name); is the default provider available?")
        }
        return object
    }

    /// Drains OpenSSL's thread-local error queue so that a failure we already turned into a
    /// `CryptoError` does not linger and confuse a later, unrelated OpenSSL call.
    static func clearErrors() {
        ERR_clear_error()
    }
}
