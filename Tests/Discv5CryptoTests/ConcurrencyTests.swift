// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import TestSupport
import Testing

/// The process-wide objects (libsecp256k1 context, fetched OpenSSL algorithms, the HMAC
/// template) are shared by every thread; results under concurrency must equal serial ones.
@Suite struct ConcurrencyTests {
    @Test func sharedObjectsGiveSerialResultsUnderConcurrentUse() async throws {
        let key = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_a_key)
        let peer = try Secp256k1.PrivateKey(hex: TestVectors.discv5().keys.node_b_key).publicKey

        struct Outcome: Equatable, Sendable {
            let signature: [UInt8]
            let secret: [UInt8]
            let mac: [UInt8]
            let okm: [UInt8]
            let sealed: [UInt8]
        }

        @Sendable func work(_ index: Int) throws -> Outcome {
            let message = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 100)
            let digest = SHA256.hash(message)
            let okm = HKDF.expand(
                pseudoRandomKey: HKDF.extract(salt: message, inputKeyMaterial: digest),
                info: message,
                outputByteCount: 32
            )
            let sealed = try AES128GCM.seal(
                key: okm[..<16],
                nonce: digest[..<12],
                plaintext: message,
                ad: Keccak256.hash(message)
            )
            return Outcome(
                signature: try key.signature(forDigest: digest),
                secret: try key.sharedSecret(with: peer),
                mac: HMACSHA256.authenticationCode(for: message, key: digest),
                okm: okm,
                sealed: sealed
            )
        }

        let serial = try (0..<64).map { try work($0 % 8) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, Outcome).self) { group in
            for index in 0..<64 {
                group.addTask { (index, try work(index % 8)) }
            }
            var results = [Outcome?](repeating: nil, count: 64)
            for try await (index, outcome) in group {
                results[index] = outcome
            }
            return results
        }
        #expect(concurrent == serial.map { Optional($0) })
    }
}
