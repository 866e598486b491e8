// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct Keccak256Tests {
    @Test(arguments: try TestVectors.standard().keccak256.vectors)
    func matchesPublishedDigest(_ row: TestVectors.DigestRow) throws {
        #expect(Hex.encode(Keccak256.hash(try bytes(row.message))) == row.digest)
    }

    @Test func emptyInputIsTheWellKnownEthereumEmptyHash() {
        #expect(
            Hex.encode(Keccak256.hash([UInt8]())) == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        )
    }

    @Test func usesKeccakPaddingNotSHA3() {
        // SHA3-256("") is a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a;
        // getting that would mean the 0x06 domain byte slipped in.
        #expect(
            Hex.encode(Keccak256.hash([UInt8]())) != "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
        )
    }

    @Test func nonContiguousCollectionHashesLikeAnArray() {
        let message = Array("The quick brown fox jumps over the lazy dog".utf8)
        let lazyCopy = message.lazy.map { $0 }
        #expect(Keccak256.hash(lazyCopy) == Keccak256.hash(message))
        #expect(Keccak256.hash(message[4...]) == Keccak256.hash(Array(message[4...])))
    }

    @Test func rawBufferEntryPointMatchesCollectionEntryPoint() {
        let message = [UInt8](repeating: 0x5A, count: 1000)
        let viaBuffer = message.withUnsafeBytes { Keccak256.hash(bytes: $0) }
        #expect(viaBuffer == Keccak256.hash(message))
        #expect(viaBuffer.count == 32)
    }
}
