// SPDX-License-Identifier: Apache-2.0

import CSecp256k1

/// The secp256k1 curve: the node identity keys of Ethereum's "v4" identity scheme.
///
/// Backed by libsecp256k1 with one process-wide context (see ``Secp256k1/PrivateKey`` and
/// ``Secp256k1/PublicKey``).
public enum Secp256k1 {
    /// The shared libsecp256k1 context, created and blinded once.
    ///
    /// After `secp256k1_context_randomize` a context is only read, and libsecp256k1 documents
    /// read-only use of one context from many threads as safe; hence the unchecked global.
    nonisolated(unsafe) static let context: OpaquePointer = {
        // Since libsecp256k1 0.2 the SIGN/VERIFY flags are equivalent to NONE; they still
        // state what the context is for and keep older library versions working.
        let flags = UInt32(SECP256K1_CONTEXT_SIGN) | UInt32(SECP256K1_CONTEXT_VERIFY)
        guard let context = secp256k1_context_create(flags) else {
            fatalError("secp256k1_context_create failed")
        }
        // Blinding protects signing and key generation against side channels.
        let seed = SecureRandom.bytes(count: 32)
        guard secp256k1_context_randomize(context, seed) == 1 else {
            fatalError("secp256k1_context_randomize failed")
        }
        return context
    }()
}
