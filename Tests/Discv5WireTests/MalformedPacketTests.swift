// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import TestSupport
import Testing

/// Hostile or broken datagrams, each rejected with its own code.
@Suite struct MalformedPacketTests {
    let vectors: WireVectors
    let decoder: PacketDecoder
    let iv = [UInt8](repeating: 0x5a, count: 16)

    init() throws {
        vectors = try WireVectors.load()
        decoder = PacketDecoder(localNodeID: vectors.nodeB)
    }

    /// `iv || mask(static header with the given fields || authdata) || message`, masked for node B.
    func packet(
        protocolID: [UInt8] = Array("discv5".utf8),
        version: UInt16 = 1,
        flag: UInt8 = 0,
        authDataSize: Int? = nil,
        authData: [UInt8],
        message: [UInt8] = []
    ) throws -> [UInt8] {
        let size = authDataSize ?? authData.count
        var header = protocolID + [UInt8(version >> 8), UInt8(version & 0xff), flag]
        header += [UInt8](repeating: 0xee, count: 12)
        header += [UInt8(size >> 8), UInt8(size & 0xff)] + authData
        var bytes = iv + header + message
        let mask = HeaderMask(nodeID: vectors.nodeB)
        try bytes.withUnsafeMutableBytes { buffer in
            try mask.apply(
                UnsafeMutableRawBufferPointer(rebasing: buffer[16..<16 + header.count]),
                iv: UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<16]))
            )
        }
        return bytes
    }

    func handshakeAuthData(sigSize: UInt8 = 64, keySize: UInt8 = 33, body: Int = 97, record: [UInt8] = []) -> [UInt8] {
        vectors.nodeA.bytes + [sigSize, keySize] + [UInt8](repeating: 3, count: body) + record
    }

    func expect(_ code: Discv5WireError.Code, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(throws: Discv5WireError(code: code), sourceLocation: sourceLocation) { try decoder.decode(bytes) }
    }

    @Test func acceptsMinimumPacketSize() throws {
        let bytes = hex(try vectors.packet(named: "whoareyou_packet").packet)
        #expect(bytes.count == PacketLimits.minimumPacketSize)
        _ = try decoder.decode(bytes)
    }

    @Test func rejectsMinimumPacketSizeMinusOne() {
        expect(.tooSmall, [UInt8](repeating: 0, count: PacketLimits.minimumPacketSize - 1))
        expect(.tooSmall, [])
    }

    @Test func acceptsMaximumPacketSize() throws {
        let message = [UInt8](repeating: 1, count: PacketLimits.maximumPacketSize - 16 - 23 - 32)
        let bytes = try packet(authData: vectors.nodeA.bytes, message: message)
        #expect(bytes.count == PacketLimits.maximumPacketSize)
        let decoded = try decoder.decode(bytes)
        #expect(decoded.messageCiphertext.count == message.count)
    }

    @Test func rejectsMaximumPacketSizePlusOne() throws {
        let message = [UInt8](repeating: 1, count: PacketLimits.maximumPacketSize - 16 - 23 - 32 + 1)
        expect(.tooLarge, try packet(authData: vectors.nodeA.bytes, message: message))
    }

    @Test func rejectsBadProtocolID() throws {
        expect(
            .badProtocolID,
            try packet(protocolID: Array("discv4".utf8), authData: vectors.nodeA.bytes, message: [0])
        )
    }

    @Test func rejectsUnsupportedVersion() throws {
        expect(.unsupportedVersion, try packet(version: 2, authData: vectors.nodeA.bytes, message: [0]))
        expect(.unsupportedVersion, try packet(version: 0, authData: vectors.nodeA.bytes, message: [0]))
    }

    @Test(arguments: [UInt8(3), 4, 0xff])
    func rejectsUnknownFlag(flag: UInt8) throws {
        expect(.unknownFlag, try packet(flag: flag, authData: vectors.nodeA.bytes, message: [0]))
    }

    @Test func acceptsAuthDataSizeFillingThePacket() throws {
        // An ordinary packet whose message is empty: authdata ends exactly at the datagram end.
        let decoded = try decoder.decode(try packet(authData: vectors.nodeA.bytes))
        #expect(decoded.messageCiphertext.isEmpty)
        #expect(throws: Discv5WireError(code: .decryptionFailed)) {
            try decoded.decryptMessage(key: [UInt8](repeating: 0, count: 16))
        }
    }

    @Test func rejectsAuthDataSizeLargerThanPacket() throws {
        expect(.authDataTruncated, try packet(authDataSize: 33, authData: vectors.nodeA.bytes))
        expect(.authDataTruncated, try packet(authDataSize: 0xffff, authData: vectors.nodeA.bytes, message: [1, 2, 3]))
    }

    @Test(arguments: [0, 31, 33, 64])
    func rejectsOrdinaryAuthDataSizeOtherThan32(size: Int) throws {
        let authData = [UInt8](repeating: 7, count: size)
        expect(.authDataSizeMismatch, try packet(authData: authData, message: [UInt8](repeating: 0, count: 40)))
    }

    @Test func rejectsWhoAreYouWithWrongAuthDataSize() throws {
        expect(.invalidWhoAreYouSize, try packet(flag: 1, authData: [UInt8](repeating: 1, count: 25)))
        expect(.invalidWhoAreYouSize, try packet(flag: 1, authData: [UInt8](repeating: 1, count: 23), message: [0]))
    }

    @Test func rejectsWhoAreYouCarryingAMessage() throws {
        expect(.invalidWhoAreYouSize, try packet(flag: 1, authData: [UInt8](repeating: 1, count: 24), message: [0]))
    }

    @Test func acceptsHandshakeWithoutRecord() throws {
        let decoded = try decoder.decode(
            try packet(flag: 2, authData: handshakeAuthData(), message: [UInt8](repeating: 0, count: 20))
        )
        guard case .handshake(let handshake) = decoded.authData else {
            Issue.record("expected handshake")
            return
        }
        #expect(handshake.record == nil)
        #expect(handshake.sourceID == vectors.nodeA)
    }

    @Test(arguments: [(UInt8(65), UInt8(33)), (64, 32), (0, 0), (33, 64)])
    func rejectsHandshakeWithWrongSignatureOrKeySize(sizes: (UInt8, UInt8)) throws {
        let authData = handshakeAuthData(sigSize: sizes.0, keySize: sizes.1)
        expect(.invalidHandshakeSizes, try packet(flag: 2, authData: authData, message: [0]))
    }

    @Test func rejectsHandshakeAuthDataShorterThanSignatureAndKey() throws {
        // 34 + 96: one byte short of the 64-byte signature and 33-byte key it announces.
        expect(.invalidHandshakeSizes, try packet(flag: 2, authData: handshakeAuthData(body: 96), message: [0]))
        expect(.invalidHandshakeSizes, try packet(flag: 2, authData: [UInt8](repeating: 0, count: 33), message: [0]))
    }

    @Test func rejectsHandshakeWithGarbageRecord() throws {
        let authData = handshakeAuthData(record: [0xc3, 0x01, 0x02, 0x03])
        expect(.invalidRecord, try packet(flag: 2, authData: authData, message: [0]))
    }

    @Test func rejectsHandshakeRecordOver300Bytes() throws {
        let authData = handshakeAuthData(record: [UInt8](repeating: 0xc0, count: 301))
        expect(.invalidRecord, try packet(flag: 2, authData: authData, message: [0]))
    }

    @Test func rejectsHandshakeRecordWithBadSignature() throws {
        var record = hex(
            try vectors.packet(named: "ping_handshake_packet_with_enr").derived_not_in_spec_text.record ?? ""
        )
        record[5] ^= 0x01  // inside the record's signature
        expect(.invalidRecord, try packet(flag: 2, authData: handshakeAuthData(record: record), message: [0]))
    }

    @Test func rejectsTamperedCiphertext() throws {
        let vector = try vectors.packet(named: "ping_message_packet")
        var bytes = hex(vector.packet)
        bytes[bytes.count - 1] ^= 0x80  // last byte of the GCM tag
        let decoded = try decoder.decode(bytes)
        #expect(throws: Discv5WireError(code: .decryptionFailed)) {
            try decoded.decryptMessage(key: hex(vector.inputs.read_key ?? ""))
        }
    }

    @Test func rejectsTamperedMaskingIVThroughTheAAD() throws {
        // Flipping a masking-IV bit changes the unmasked header: either the header check fails
        // or (if it still parses) the AAD no longer authenticates.
        let vector = try vectors.packet(named: "ping_message_packet")
        var bytes = hex(vector.packet)
        bytes[15] ^= 0x01
        #expect(throws: Discv5WireError.self) {
            let decoded = try decoder.decode(bytes)
            _ = try decoded.decryptMessage(key: hex(vector.inputs.read_key ?? ""))
        }
    }

    @Test func rejectsWrongKey() throws {
        let decoded = try decoder.decode(hex(try vectors.packet(named: "ping_message_packet").packet))
        #expect(throws: Discv5WireError(code: .decryptionFailed)) {
            try decoded.decryptMessage(key: [UInt8](repeating: 1, count: 16))
        }
        #expect(throws: Discv5WireError(code: .decryptionFailed)) {
            try decoded.decryptMessage(key: [UInt8](repeating: 1, count: 15))
        }
    }

    @Test func encoderRejectsBadParameters() throws {
        #expect(throws: Discv5WireError(code: .invalidParameter)) {
            try PacketHeader(nonce: [UInt8](repeating: 0, count: 11), authData: .ordinary(sourceID: vectors.nodeA))
        }
        let header = try PacketHeader(
            nonce: [UInt8](repeating: 0, count: 12),
            authData: .ordinary(sourceID: vectors.nodeA)
        )
        #expect(throws: Discv5WireError(code: .invalidParameter)) {
            try PacketEncoder.encode(
                header: header,
                maskingIV: [0],
                destinationID: vectors.nodeB,
                messageCiphertext: []
            )
        }
        #expect(throws: Discv5WireError(code: .invalidParameter)) {
            try WhoAreYouAuthData(idNonce: [UInt8](repeating: 0, count: 15), enrSeq: 0)
        }
        #expect(throws: Discv5WireError(code: .invalidHandshakeSizes)) {
            try HandshakeAuthData(
                sourceID: vectors.nodeA,
                idSignature: [0],
                ephemeralPublicKey: [UInt8](repeating: 2, count: 33),
                record: nil
            )
        }
    }

    @Test func errorsCompareByCodeAndDescribeThemselves() {
        let error = Discv5WireError(code: .tooSmall, reason: "12 bytes")
        #expect(error == Discv5WireError(code: .tooSmall, reason: "other"))
        #expect(error != Discv5WireError(code: .tooLarge))
        #expect(error.description.hasPrefix("Discv5WireError.tooSmall: 12 bytes"))
        #expect(!error.description.contains("\n"))
    }
}
