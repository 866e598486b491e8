// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import Foundation
import TestSupport
import Testing
import UTP

struct WireVector: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var type: UInt8
    var version: UInt8
    var extension_: UInt8
    var connection_id: UInt16
    var timestamp_microseconds: UInt32
    var timestamp_difference_microseconds: UInt32
    var wnd_size: UInt32
    var seq_nr: UInt16
    var ack_nr: UInt16
    var selective_ack: [UInt8]?
    var payload: [UInt8]
    var hex: String

    enum CodingKeys: String, CodingKey {
        case name, type, version, connection_id, timestamp_microseconds, timestamp_difference_microseconds
        case wnd_size, seq_nr, ack_nr, selective_ack, payload, hex
        case extension_ = "extension"
    }

    var testDescription: String { self.name }

    var bytes: [UInt8] { [UInt8](hex: self.hex)! }

    static func load() throws -> [WireVector] {
        try VectorFile.load([WireVector].self, named: "utp-wire", in: .module)
    }
}

private let wireVectors: [WireVector] = (try? WireVector.load()) ?? []

@Suite("uTP packet codec")
struct UTPPacketCodecTests {
    @Test func allSixVectorsAreLoaded() {
        #expect(wireVectors.count == 6)
    }

    @Test(arguments: wireVectors)
    func vectorDecodesAndReencodesByteForByte(_ vector: WireVector) throws {
        let packet = try UTPPacket(decoding: vector.bytes)
        #expect(packet.type.rawValue == vector.type)
        #expect(packet.connectionID == vector.connection_id)
        #expect(packet.timestampMicroseconds == vector.timestamp_microseconds)
        #expect(packet.timestampDifferenceMicroseconds == vector.timestamp_difference_microseconds)
        #expect(packet.windowSize == vector.wnd_size)
        #expect(packet.sequenceNumber == vector.seq_nr)
        #expect(packet.ackNumber == vector.ack_nr)
        #expect(packet.selectiveAck?.bytes == vector.selective_ack)
        #expect(Array(packet.payload) == vector.payload)
        #expect(packet.encoded() == vector.bytes)

        // Build the packet from the vector's fields and encode it into a reused buffer.
        let built = UTPPacket(
            type: try #require(UTPPacketType(rawValue: vector.type)),
            connectionID: vector.connection_id,
            timestampMicroseconds: vector.timestamp_microseconds,
            timestampDifferenceMicroseconds: vector.timestamp_difference_microseconds,
            windowSize: vector.wnd_size,
            sequenceNumber: vector.seq_nr,
            ackNumber: vector.ack_nr,
            selectiveAck: vector.selective_ack.map { UTPSelectiveAck(bytes: $0) },
            payload: vector.payload[...]
        )
        var buffer: [UInt8] = Array(repeating: 0xEE, count: 100)
        built.encode(into: &buffer)
        #expect(buffer == vector.bytes)

        let fromRaw = try vector.bytes.withUnsafeBytes { try UTPPacket(decoding: $0) }
        #expect(fromRaw == packet)
    }

    @Test func selectiveAckBitOrderMatchesVectorNote() throws {
        let sack = UTPSelectiveAck(bytes: [1, 0, 0, 128])
        #expect(sack[0])
        #expect(sack[31])
        #expect(sack.setBitCount == 2)
        #expect(!sack[1])
    }

    private func header(type: UInt8 = 2, extensionType: UInt8) -> [UInt8] {
        [type << 4 | 1, extensionType, 0x27, 0x41] + [UInt8](repeating: 0, count: 12) + [0x41, 0xA7, 0x2E, 0x6D]
    }

    @Test func acceptsOneByteSelectiveAck() throws {
        let packet = try UTPPacket(decoding: header(extensionType: 1) + [0, 1, 0b0000_0101])
        let sack = try #require(packet.selectiveAck)
        #expect(sack.byteCount == 1)
        #expect(sack[0] && !sack[1] && sack[2])
        #expect(packet.payload.isEmpty)
    }

    @Test func acceptsFourByteSelectiveAck() throws {
        let packet = try UTPPacket(decoding: header(extensionType: 1) + [0, 4, 0, 0, 0, 0x80])
        #expect(packet.selectiveAck?.byteCount == 4)
        #expect(packet.selectiveAck?[31] == true)
    }

    @Test func truncatesSelectiveAckLongerThanStoredMaximum() throws {
        let mask = [UInt8](repeating: 0xFF, count: 40)
        let packet = try UTPPacket(decoding: header(extensionType: 1) + [0, 40] + mask + [9, 9])
        #expect(packet.selectiveAck?.byteCount == UTPSelectiveAck.maximumStoredByteCount)
        #expect(Array(packet.payload) == [9, 9])
    }

    @Test func rejectsZeroLengthSelectiveAck() {
        #expect(throws: UTPError.self) { try UTPPacket(decoding: header(extensionType: 1) + [0, 0]) }
    }

    @Test(arguments: [UInt8(2), 3, 77])
    func skipsUnknownExtension(_ type: UInt8) throws {
        let bytes =
            header(type: 0, extensionType: type) + [1, 8] + [UInt8](repeating: 0xAA, count: 8) + [0, 4, 2, 0, 0, 0] + [
                7, 7, 7,
            ]
        let packet = try UTPPacket(decoding: bytes)
        #expect(packet.type == .data)
        #expect(packet.selectiveAck?[1] == true)
        #expect(Array(packet.payload) == [7, 7, 7])
    }

    @Test func rejectsExtensionChainOverrunningPacket() {
        do {
            _ = try UTPPacket(decoding: header(extensionType: 2) + [0, 9, 1, 2, 3])
            Issue.record("accepted an overrunning extension")
        } catch {
            #expect(error.code == .extensionOverrun)
        }
        #expect(throws: UTPError.self) { try UTPPacket(decoding: header(extensionType: 2) + [0]) }
        #expect(throws: UTPError.self) { try UTPPacket(decoding: header(extensionType: 1) + [2, 1, 0]) }
    }

    @Test(arguments: [0, 1, 19])
    func rejectsTruncatedHeader(_ length: Int) {
        let bytes = Array(header(extensionType: 0).prefix(length))
        do {
            _ = try UTPPacket(decoding: bytes)
            Issue.record("accepted \(length) bytes")
        } catch {
            #expect(error.code == .truncatedHeader)
        }
    }

    @Test func acceptsExactlyTwentyByteHeader() throws {
        let packet = try UTPPacket(decoding: header(extensionType: 0))
        #expect(packet.payload.isEmpty)
    }

    @Test(arguments: [UInt8(0), 2, 15])
    func rejectsVersionOtherThanOne(_ version: UInt8) {
        var bytes = header(extensionType: 0)
        bytes[0] = 0x20 | version
        do {
            _ = try UTPPacket(decoding: bytes)
            Issue.record("accepted version \(version)")
        } catch {
            #expect(error.code == .unsupportedVersion)
        }
    }

    @Test func rejectsUnknownPacketType() {
        var bytes = header(extensionType: 0)
        bytes[0] = 0x51
        #expect(throws: UTPError.self) { try UTPPacket(decoding: bytes) }
    }

    @Test func decodingSliceKeepsPayloadAsSliceOfInput() throws {
        let bytes = [0xFF, 0xFF] + header(type: 0, extensionType: 0) + [1, 2, 3]
        let packet = try UTPPacket(decoding: bytes[2...])
        #expect(Array(packet.payload) == [1, 2, 3])
    }

    @Test func randomAndMutatedBytesNeverTrap() {
        var random = SeededRandomNumberGenerator(seed: 0xC0DEC)
        let seeds = wireVectors.map(\.bytes)
        var decoded = 0
        for iteration in 0..<20_000 {
            var bytes: [UInt8]
            if iteration % 2 == 0 || seeds.isEmpty {
                bytes = (0..<Int(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if bytes.count > 1, random.chance(0.5) { bytes[0] = 0x01 | UInt8(random.next() % 5) << 4 }
            } else {
                bytes = seeds[Int(random.next() % UInt64(seeds.count))]
                for _ in 0..<(1 + random.next() % 4) {
                    switch random.next() % 4 {
                    case 0 where !bytes.isEmpty:
                        bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                    case 1 where !bytes.isEmpty: bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
                    case 2: bytes.append(UInt8(truncatingIfNeeded: random.next()))
                    default: if bytes.count > 1 { bytes[1] = UInt8(random.next() % 4) }
                    }
                }
            }
            if let packet = try? UTPPacket(decoding: bytes) {
                decoded += 1
                // Whatever decodes must encode without trapping and decode again to the same packet.
                let again = try? UTPPacket(decoding: packet.encoded())
                #expect(again == packet)
            }
            _ = bytes.withUnsafeBytes { try? UTPPacket(decoding: $0) }
        }
        #expect(decoded > 0)
    }
}
