// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct AES128CTRTests {
    @Test(arguments: try TestVectors.standard().aes128ctr.vectors)
    func matchesSP80038A(_ row: TestVectors.CTRRow) throws {
        let cipher = try AES128CTR(key: bytes(row.key))
        #expect(Hex.encode(try cipher.apply(bytes(row.plaintext), iv: bytes(row.iv))) == row.ciphertext)
        // Decryption is the same operation (F.5.2).
        #expect(Hex.encode(try cipher.apply(bytes(row.ciphertext), iv: bytes(row.iv))) == row.plaintext)
        #expect(
            Hex.encode(try AES128CTR.apply(key: bytes(row.key), iv: bytes(row.iv), to: bytes(row.plaintext)))
                == row.ciphertext
        )
    }

    @Test func everyCallRestartsFromItsOwnIV() throws {
        let row = try #require(try TestVectors.standard().aes128ctr.vectors.first)
        let cipher = try AES128CTR(key: bytes(row.key))
        let plaintext = try bytes(row.plaintext)
        // A call that stops mid-block must not leak its counter position into the next call.
        _ = try cipher.apply(plaintext[..<23], iv: bytes(row.iv))
        #expect(Hex.encode(try cipher.apply(plaintext, iv: bytes(row.iv))) == row.ciphertext)
        let prefix = try cipher.apply(plaintext[..<5], iv: bytes(row.iv))
        #expect(Hex.encode(prefix) == String(row.ciphertext.prefix(10)))
    }

    @Test func inPlaceMatchesCopyingForm() throws {
        let row = try #require(try TestVectors.standard().aes128ctr.vectors.first)
        let cipher = try AES128CTR(key: bytes(row.key))
        var data = try bytes(row.plaintext)
        try cipher.apply(to: &data, iv: bytes(row.iv))
        #expect(Hex.encode(data) == row.ciphertext)
        let iv = try bytes(row.iv)
        try data.withUnsafeMutableBytes { buffer in
            try iv.withUnsafeBytes { iv in try cipher.applyInPlace(buffer, iv: iv) }
        }
        #expect(Hex.encode(data) == row.plaintext)
        var empty = [UInt8]()
        try cipher.apply(to: &empty, iv: iv)
        #expect(empty.isEmpty)
    }

    @Test func counterIncrementsAsOne128BitInteger() throws {
        // With IV = ff…ff, the second block's counter wraps to 00…00 (a full 128-bit
        // big-endian increment), so it equals the first block under IV 00…00.
        let cipher = try AES128CTR(key: [UInt8](repeating: 0x5C, count: 16))
        let zeros = [UInt8](repeating: 0, count: 32)
        let fromMax = try cipher.apply(zeros, iv: [UInt8](repeating: 0xFF, count: 16))
        let fromZero = try cipher.apply(zeros, iv: [UInt8](repeating: 0x00, count: 16))
        #expect(fromMax[16...] == fromZero[..<16])
    }

    @Test(arguments: [0, 12, 15, 17])
    func rejectsIVOfWrongLength(_ count: Int) throws {
        let cipher = try AES128CTR(key: [UInt8](repeating: 0, count: 16))
        let error = #expect(throws: CryptoError.self) {
            try cipher.apply([1, 2, 3], iv: [UInt8](repeating: 0, count: count))
        }
        #expect(error?.code == .invalidNonceLength)
    }

    @Test(arguments: [0, 15, 17, 32])
    func rejectsKeyOfWrongLength(_ count: Int) {
        let error = #expect(throws: CryptoError.self) { try AES128CTR(key: [UInt8](repeating: 0, count: count)) }
        #expect(error?.code == .invalidKeyLength)
    }
}
