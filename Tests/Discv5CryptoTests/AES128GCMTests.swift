// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct AES128GCMTests {
    @Test(arguments: try TestVectors.standard().aes128gcm.vectors)
    func sealMatchesGCMSpecTestCase(_ row: TestVectors.GCMRow) throws {
        let cipher = try AES128GCM(key: bytes(row.key))
        let sealed = try cipher.seal(bytes(row.plaintext), nonce: bytes(row.nonce), authenticating: bytes(row.ad))
        #expect(Hex.encode(sealed) == row.ciphertext + row.tag)
        let opened = try cipher.open(sealed, nonce: bytes(row.nonce), authenticating: bytes(row.ad))
        #expect(Hex.encode(opened) == row.plaintext)
    }

    @Test(arguments: try TestVectors.standard().aes128gcm.vectors)
    func staticOneShotsMatchGCMSpecTestCase(_ row: TestVectors.GCMRow) throws {
        let sealed = try AES128GCM.seal(
            key: bytes(row.key),
            nonce: bytes(row.nonce),
            plaintext: bytes(row.plaintext),
            ad: bytes(row.ad)
        )
        #expect(Hex.encode(sealed) == row.ciphertext + row.tag)
        let opened = try AES128GCM.open(
            key: bytes(row.key),
            nonce: bytes(row.nonce),
            ciphertextAndTag: sealed,
            ad: bytes(row.ad)
        )
        #expect(Hex.encode(opened) == row.plaintext)
    }

    @Test func oneContextSealsAndOpensManyMessagesWithDifferentNonces() throws {
        let vectors = try TestVectors.standard().aes128gcm.vectors.filter {
            $0.key == "feffe9928665731c6d6a8f9467308308"
        }
        let cipher = try AES128GCM(key: bytes("feffe9928665731c6d6a8f9467308308"))
        // Interleave directions and messages: the context must reset fully between calls.
        for _ in 0..<3 {
            for row in vectors {
                let sealed = try cipher.seal(
                    bytes(row.plaintext),
                    nonce: bytes(row.nonce),
                    authenticating: bytes(row.ad)
                )
                #expect(Hex.encode(sealed) == row.ciphertext + row.tag)
                let other = try cipher.seal(
                    bytes(row.plaintext),
                    nonce: [UInt8](repeating: 9, count: 12),
                    authenticating: bytes(row.ad)
                )
                #expect(other != sealed)
                #expect(
                    try cipher.open(other, nonce: [UInt8](repeating: 9, count: 12), authenticating: bytes(row.ad))
                        == (try bytes(row.plaintext))
                )
                #expect(
                    Hex.encode(try cipher.open(sealed, nonce: bytes(row.nonce), authenticating: bytes(row.ad)))
                        == row.plaintext
                )
            }
        }
    }

    @Test func tamperedCiphertextTagOrADFailsAuthentication() throws {
        let key = [UInt8](repeating: 0x11, count: 16)
        let nonce = [UInt8](repeating: 0x22, count: 12)
        let ad = Array("header".utf8)
        let cipher = try AES128GCM(key: key)
        let sealed = try cipher.seal(Array("hello discv5".utf8), nonce: nonce, authenticating: ad)
        for index in [0, sealed.count - 16, sealed.count - 1] {
            var tampered = sealed
            tampered[index] ^= 0x80
            let error = #expect(throws: CryptoError.self) {
                try cipher.open(tampered, nonce: nonce, authenticating: ad)
            }
            #expect(error?.code == .authenticationFailure)
        }
        let wrongAD = #expect(throws: CryptoError.self) {
            try cipher.open(sealed, nonce: nonce, authenticating: Array("other".utf8))
        }
        #expect(wrongAD?.code == .authenticationFailure)
        var otherNonce = nonce
        otherNonce[11] ^= 1
        let wrongNonce = #expect(throws: CryptoError.self) {
            try cipher.open(sealed, nonce: otherNonce, authenticating: ad)
        }
        #expect(wrongNonce?.code == .authenticationFailure)
        // The context still works after failures.
        #expect(try cipher.open(sealed, nonce: nonce, authenticating: ad) == Array("hello discv5".utf8))
    }

    @Test(arguments: [0, 1, 15])
    func inputShorterThanATagIsAnErrorNotATrap(_ count: Int) throws {
        let cipher = try AES128GCM(key: [UInt8](repeating: 0, count: 16))
        let error = #expect(throws: CryptoError.self) {
            try cipher.open(
                [UInt8](repeating: 0, count: count),
                nonce: [UInt8](repeating: 0, count: 12),
                authenticating: [UInt8]()
            )
        }
        #expect(error?.code == .authenticationFailure)
    }

    @Test func bareTagOfEmptyMessageOpensToEmptyPlaintext() throws {
        // GCM spec test case 1: empty plaintext, the output is the tag alone.
        let opened = try AES128GCM.open(
            key: [UInt8](repeating: 0, count: 16),
            nonce: [UInt8](repeating: 0, count: 12),
            ciphertextAndTag: bytes("58e2fccefa7e3061367f1d57a4e7455a"),
            ad: [UInt8]()
        )
        #expect(opened.isEmpty)
    }

    @Test(arguments: [0, 8, 15, 17, 32])
    func rejectsKeyOfWrongLength(_ count: Int) {
        let error = #expect(throws: CryptoError.self) { try AES128GCM(key: [UInt8](repeating: 0, count: count)) }
        #expect(error?.code == .invalidKeyLength)
    }

    @Test(arguments: [0, 8, 11, 13, 16])
    func rejectsNonceOfWrongLength(_ count: Int) throws {
        let cipher = try AES128GCM(key: [UInt8](repeating: 0, count: 16))
        let nonce = [UInt8](repeating: 0, count: count)
        let sealError = #expect(throws: CryptoError.self) {
            try cipher.seal([1, 2, 3], nonce: nonce, authenticating: [UInt8]())
        }
        #expect(sealError?.code == .invalidNonceLength)
        let openError = #expect(throws: CryptoError.self) {
            try cipher.open([UInt8](repeating: 0, count: 20), nonce: nonce, authenticating: [UInt8]())
        }
        #expect(openError?.code == .invalidNonceLength)
    }

    @Test func rawBufferPathsMatchArrayPathsAndWorkInPlace() throws {
        let cipher = try AES128GCM(key: [UInt8](repeating: 0x42, count: 16))
        let nonce = [UInt8](repeating: 0x24, count: 12)
        let ad = [UInt8](repeating: 0xAD, count: 40)
        let plaintext = (0..<1200).map { UInt8(truncatingIfNeeded: $0) }
        let expected = try cipher.seal(plaintext, nonce: nonce, authenticating: ad)

        // Encrypt in place: the plaintext sits at the start of a buffer with room for the tag.
        var buffer = plaintext + [UInt8](repeating: 0, count: 16)
        let written = try buffer.withUnsafeMutableBytes { (buffer) throws -> Int in
            try nonce.withUnsafeBytes { nonce in
                try ad.withUnsafeBytes { ad in
                    try cipher.seal(
                        plaintext: UnsafeRawBufferPointer(rebasing: buffer[..<plaintext.count]),
                        nonce: nonce,
                        authenticating: ad,
                        into: buffer
                    )
                }
            }
        }
        #expect(written == plaintext.count + 16)
        #expect(buffer == expected)

        var output = [UInt8](repeating: 0, count: plaintext.count)
        let opened = try expected.withUnsafeBytes { (input) throws -> Int in
            try nonce.withUnsafeBytes { nonce in
                try ad.withUnsafeBytes { ad in
                    try output.withUnsafeMutableBytes { output in
                        try cipher.open(ciphertextAndTag: input, nonce: nonce, authenticating: ad, into: output)
                    }
                }
            }
        }
        #expect(opened == plaintext.count)
        #expect(output == plaintext)
    }

    @Test func rawSealRejectsTooSmallOutputBuffer() throws {
        let cipher = try AES128GCM(key: [UInt8](repeating: 0, count: 16))
        var output = [UInt8](repeating: 0, count: 18)
        let error = #expect(throws: CryptoError.self) {
            try [UInt8](repeating: 1, count: 3).withUnsafeBytes { plaintext in
                try [UInt8](repeating: 0, count: 12).withUnsafeBytes { nonce in
                    try output.withUnsafeMutableBytes { output in
                        try cipher.seal(
                            plaintext: plaintext,
                            nonce: nonce,
                            authenticating: UnsafeRawBufferPointer(start: nil, count: 0),
                            into: output
                        )
                    }
                }
            }
        }
        #expect(error?.code == .invalidInputLength)
    }
}
