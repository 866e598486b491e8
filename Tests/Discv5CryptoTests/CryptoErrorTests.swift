// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct CryptoErrorTests {
    @Test func equalityAndHashingUseTheCodeOnly() {
        let a = CryptoError(code: .authenticationFailure, reason: "tag mismatch")
        let b = CryptoError(code: .authenticationFailure, reason: "input too short")
        let c = CryptoError(code: .invalidHex)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test func descriptionIsOneLineNamingTheCode() {
        let error = CryptoError(code: .invalidNonceLength, reason: "expected 12 bytes, got 11")
        #expect(error.description.hasPrefix("CryptoError.invalidNonceLength: expected 12 bytes, got 11"))
        #expect(!error.description.contains("\n"))
    }

    @Test func everyCodeHasADistinctName() {
        let codes: [CryptoError.Code] = [
            .invalidKeyLength, .invalidPrivateKey, .invalidPublicKey, .invalidSignature, .invalidDigestLength,
            .invalidNonceLength, .invalidInputLength, .authenticationFailure, .invalidHex, .internalFailure,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(Set(codes.map(\.description)).count == codes.count)
    }
}
