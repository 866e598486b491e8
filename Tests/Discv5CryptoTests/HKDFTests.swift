// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct HKDFTests {
    @Test(arguments: try TestVectors.standard().hkdf_sha256.vectors)
    func matchesRFC5869(_ row: TestVectors.HKDFRow) throws {
        let prk = HKDF.extract(salt: try bytes(row.salt), inputKeyMaterial: try bytes(row.ikm))
        #expect(Hex.encode(prk) == row.prk)
        let okm = HKDF.expand(pseudoRandomKey: prk, info: try bytes(row.info), outputByteCount: row.length)
        #expect(Hex.encode(okm) == row.okm)
    }

    @Test func emptySaltEqualsThirtyTwoZeroBytes() {
        let ikm = [UInt8](repeating: 0x0B, count: 22)
        #expect(
            HKDF.extract(salt: [UInt8](), inputKeyMaterial: ikm)
                == HKDF.extract(salt: [UInt8](repeating: 0, count: 32), inputKeyMaterial: ikm)
        )
    }

    @Test func extractIsHMACWithTheSaltAsKey() {
        let salt = Array("salt".utf8)
        let ikm = Array("input key material".utf8)
        #expect(HKDF.extract(salt: salt, inputKeyMaterial: ikm) == HMACSHA256.authenticationCode(for: ikm, key: salt))
    }

    @Test func emptyInputKeyMaterialIsAccepted() {
        let salt = [UInt8](repeating: 7, count: 16)
        #expect(
            HKDF.extract(salt: salt, inputKeyMaterial: [UInt8]())
                == HMACSHA256.authenticationCode(for: [UInt8](), key: salt)
        )
    }

    @Test func expandOutputIsAPrefixOfALongerExpansion() {
        let prk = [UInt8](repeating: 0x42, count: 32)
        let info = Array("ctx".utf8)
        let long = HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: HKDF.maximumOutputByteCount)
        #expect(long.count == 8160)
        #expect(HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: 33) == Array(long[..<33]))
        #expect(HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: 0).isEmpty)
    }

    @Test func shortPseudoRandomKeyIsUsedAsAnHMACKeyWithoutTrapping() {
        // RFC 5869 asks for at least 32 bytes of PRK; a shorter one must still behave as
        // HMAC-based expansion does (T(1) = HMAC(prk, info || 0x01)), never crash.
        let prk: [UInt8] = [1, 2, 3, 4, 5]
        let info = Array("info".utf8)
        let first = HMACSHA256.authenticationCode(for: info + [0x01], key: prk)
        #expect(HKDF.expand(pseudoRandomKey: prk, info: info, outputByteCount: 32) == first)
        #expect(HKDF.expand(pseudoRandomKey: [UInt8](), info: info, outputByteCount: 16).count == 16)
    }
}
