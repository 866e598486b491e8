// SPDX-License-Identifier: Apache-2.0

import COpenSSL
import Discv5Crypto

/// SHA-256 over bytes fed in pieces (OpenSSL's EVP digest), for values too large to hold twice.
final class StreamingSHA256 {
    private let context: OpaquePointer

    init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            fatalError("EVP_DigestInit_ex(SHA256) failed")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(self.context)
    }

    /// Adds bytes to the digest.
    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            _ = EVP_DigestUpdate(self.context, base, raw.count)
        }
    }

    /// The digest of everything added, as lower-case hex; the hasher is spent afterwards.
    func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(self.context, &digest, &length)
        return Hex.encode(digest)
    }
}
