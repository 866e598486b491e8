// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import RLP
import Testing

/// Builds and signs a record from raw pairs without the builder's sorting, so tests can make
/// records that break one rule at a time while everything else is right.
private func handMadeRecord(
    key: Secp256k1.PrivateKey,
    seq: UInt64 = 1,
    pairs: [(String, RLPItem)],
    corruptSignature: Bool = false
) throws -> [UInt8] {
    var content: [RLPItem] = [.uint(seq)]
    for (k, v) in pairs {
        content.append(RLPItem(k))
        content.append(v)
    }
    var signature = try key.signature(forDigest: Keccak256.hash(RLP.encode(.list(content))))
    if corruptSignature { signature[10] ^= 0x01 }
    return RLP.encode(.list([.bytes(signature)] + content))
}

/// Expects `body` to throw an ``ENRError`` with exactly this code.
func expectENRError(
    _ code: ENRError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> some Any
) {
    do {
        _ = try body()
        Issue.record("expected ENRError \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ENRError {
        #expect(error.code == code, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected ENRError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

private let testKey = try! Secp256k1.PrivateKey(hex: "b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")

private func v4Pairs(_ key: Secp256k1.PrivateKey) -> [(String, RLPItem)] {
    [("id", RLPItem("v4")), ("secp256k1", .bytes(key.publicKey.compressed))]
}

@Suite struct ENRValidationTests {
    @Test func handMadeValidRecordIsAccepted() throws {
        let bytes = try handMadeRecord(key: testKey, pairs: v4Pairs(testKey) + [("udp", .uint(UInt16(9000)))])
        let record = try ENR(encoded: bytes)
        #expect(record.udp == 9000)
        #expect(record.encoded == bytes)
    }

    @Test func rejectsBadSignature() throws {
        let bytes = try handMadeRecord(key: testKey, pairs: v4Pairs(testKey), corruptSignature: true)
        expectENRError(.invalidSignature) { try ENR(encoded: bytes) }
    }

    @Test func rejectsSignatureByAnotherKey() throws {
        let other = Secp256k1.PrivateKey()
        // Signed by `other` but claiming `testKey`'s public key.
        let bytes = try handMadeRecord(key: other, pairs: v4Pairs(testKey))
        expectENRError(.invalidSignature) { try ENR(encoded: bytes) }
    }

    @Test func rejectsUnsortedKeys() throws {
        let pairs: [(String, RLPItem)] = [("secp256k1", .bytes(testKey.publicKey.compressed)), ("id", RLPItem("v4"))]
        let bytes = try handMadeRecord(key: testKey, pairs: pairs)
        expectENRError(.unsortedKeys) { try ENR(encoded: bytes) }
    }

    @Test func rejectsDuplicateKeys() throws {
        let bytes = try handMadeRecord(
            key: testKey,
            pairs: v4Pairs(testKey) + [("udp", .uint(UInt16(1))), ("udp", .uint(UInt16(2)))]
        )
        expectENRError(.duplicateKey) { try ENR(encoded: bytes) }
    }

    @Test func rejectsUnknownIdentityScheme() throws {
        let pairs: [(String, RLPItem)] = [("id", RLPItem("v5")), ("secp256k1", .bytes(testKey.publicKey.compressed))]
        let bytes = try handMadeRecord(key: testKey, pairs: pairs)
        expectENRError(.unknownIdentityScheme) { try ENR(encoded: bytes) }
    }

    @Test func rejectsMissingIdentityScheme() throws {
        let bytes = try handMadeRecord(key: testKey, pairs: [("secp256k1", .bytes(testKey.publicKey.compressed))])
        expectENRError(.missingIdentityScheme) { try ENR(encoded: bytes) }
    }

    @Test func rejectsUncompressedOrMissingPublicKey() throws {
        let uncompressed = try handMadeRecord(
            key: testKey,
            pairs: [("id", RLPItem("v4")), ("secp256k1", .bytes(testKey.publicKey.uncompressed))]
        )
        expectENRError(.invalidPublicKey) { try ENR(encoded: uncompressed) }
        let missing = try handMadeRecord(key: testKey, pairs: [("id", RLPItem("v4"))])
        expectENRError(.invalidPublicKey) { try ENR(encoded: missing) }
    }

    @Test func acceptsRecordOfExactlyMaximumSize() throws {
        // Grow an opaque value until the encoding is exactly 300 bytes.
        for length in 100...240 {
            var builder = ENRBuilder()
            builder.set("z", .bytes([UInt8](repeating: 0xAB, count: length)))
            guard let record = try? builder.sign(with: testKey) else { continue }
            if record.encoded.count == ENR.maximumEncodedSize {
                #expect(try ENR(encoded: record.encoded) == record)
                return
            }
        }
        Issue.record("no padding length produced a 300-byte record")
    }

    @Test func rejectsRecordOfMaximumSizePlusOne() throws {
        let bytes = try handMadeRecord(
            key: testKey,
            pairs: v4Pairs(testKey) + [("z", .bytes([UInt8](repeating: 1, count: 400)))]
        )
        #expect(bytes.count > ENR.maximumEncodedSize)
        expectENRError(.recordTooLarge) { try ENR(encoded: bytes) }
        expectENRError(.recordTooLarge) { try ENR(text: "enr:" + Base64URL.encode(bytes)) }
        var builder = ENRBuilder()
        builder.set("z", .bytes([UInt8](repeating: 1, count: 400)))
        expectENRError(.recordTooLarge) { try builder.sign(with: testKey) }
    }

    @Test func rejectsNonCanonicalSequenceNumber() throws {
        var content: [RLPItem] = [.bytes([0x00, 0x01])]
        for (k, v) in v4Pairs(testKey) {
            content.append(RLPItem(k))
            content.append(v)
        }
        let signature = try testKey.signature(forDigest: Keccak256.hash(RLP.encode(.list(content))))
        let bytes = RLP.encode(.list([.bytes(signature)] + content))
        expectENRError(.invalidSequenceNumber) { try ENR(encoded: bytes) }
    }

    @Test func rejectsMalformedShapes() throws {
        expectENRError(.malformedRecord) { try ENR(encoded: [0x80]) }
        expectENRError(.malformedRecord) { try ENR(encoded: RLP.encode(.list([.bytes([1])]))) }
        // An odd number of key/value items.
        expectENRError(.malformedRecord) {
            try ENR(encoded: RLP.encode(.list([.bytes([1]), .uint(UInt8(1)), RLPItem("id")])))
        }
        expectENRError(.malformedRecord) { try ENR(encoded: [0xc5, 0x80]) }
    }

    @Test func rejectsBadTextForms() {
        expectENRError(.missingPrefix) { try ENR(text: "-IS4QHCYrYZbAKWCBRlAy5zzaDZXJBGkcnh4MHcBFZntXNFrdvJjX04") }
        expectENRError(.invalidBase64) { try ENR(text: "enr:-IS4Q*HCYr") }
        expectENRError(.invalidBase64) { try ENR(text: "enr:A") }
    }

    @Test func unknownKeysAreKeptByteForByte() throws {
        var builder = ENRBuilder(seq: 7)
        let structured: RLPItem = .list([.bytes([0xde, 0xad]), .list([]), .bytes([])])
        builder.set("eth", structured)
        builder.set(key: [0x00, 0xff], value: .bytes([1, 2, 3]))
        let record = try builder.sign(with: testKey)
        let decoded = try ENR(text: record.text)
        #expect(decoded.encoded == record.encoded)
        #expect(decoded.value(forKey: "eth") == structured)
        #expect(decoded.value(forKey: [0x00, 0xff]) == .bytes([1, 2, 3]))
        #expect(decoded.pairs.first?.key == [0x00, 0xff])
    }

    @Test func updateIncrementsSequenceAndSignsAgain() throws {
        var builder = ENRBuilder(seq: 5)
        builder.setUDPEndpoint(try #require(IPAddress("10.0.0.1")), port: 1000)
        let first = try builder.sign(with: testKey)
        let second = try first.updated(signingWith: testKey) { $0.setUDPEndpoint(IPAddress("10.0.0.2")!, port: 2000) }
        #expect(second.seq == 6)
        #expect(second.ip == IPAddress("10.0.0.2"))
        #expect(second.udp == 2000)
        #expect(try ENR(encoded: second.encoded) == second)
        expectENRError(.signingFailed) { try first.updated(signingWith: Secp256k1.PrivateKey()) { _ in } }
    }

    @Test func ipv6EndpointAndFallbackPort() throws {
        var builder = ENRBuilder()
        builder.setUDPEndpoint(try #require(IPAddress("::1")), port: 4000)
        builder.set("udp", .uint(UInt16(3000)))
        let record = try builder.sign(with: testKey)
        #expect(record.ip6 == IPAddress("::1"))
        #expect(record.udp6 == 4000)
        #expect(record.udp6Endpoint?.port == 4000)
        var withoutUDP6 = ENRBuilder()
        withoutUDP6.set("ip6", .bytes(try #require(IPAddress("fe80::1")).bytes))
        withoutUDP6.set("udp", .uint(UInt16(3000)))
        #expect(try withoutUDP6.sign(with: testKey).udp6Endpoint?.port == 3000)
    }
}
