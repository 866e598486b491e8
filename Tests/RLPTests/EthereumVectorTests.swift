// SPDX-License-Identifier: Apache-2.0

import Foundation
import RLP
import TestSupport
import Testing

/// The `RLPTests` vectors of ethereum/tests (see `Vectors/PROVENANCE.md`).
@Suite("ethereum/tests RLP vectors")
struct EthereumVectorTests {
    /// A test input as the JSON files write it.
    enum JSONValue: Decodable {
        case string(String)
        case integer(UInt64)
        case array([JSONValue])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                self = .string(string)
            } else if let integer = try? container.decode(UInt64.self) {
                self = .integer(integer)
            } else {
                self = .array(try container.decode([JSONValue].self))
            }
        }

        /// The item this input stands for. Strings starting `#` are decimal big integers and strings
        /// starting `0x` are hexadecimal byte strings; other strings are their UTF-8 bytes.
        func item() throws -> RLPItem {
            switch self {
            case .integer(let value):
                return .uint(value)
            case .array(let elements):
                return .list(try elements.map { try $0.item() })
            case .string(let text):
                if text.hasPrefix("#") {
                    return .bytes(try #require([UInt8](decimal: text.dropFirst())))
                }
                if text.hasPrefix("0x") {
                    return .bytes(try #require([UInt8](hex: text)))
                }
                return RLPItem(text)
            }
        }
    }

    struct FileEntry: Decodable {
        var `in`: JSONValue
        var out: String
    }

    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        /// The expected item, or `nil` for entries marked `VALID`/`INVALID` that only give an encoding.
        var input: RLPItem?
        var encoded: [UInt8]

        var testDescription: String { self.name }
    }

    static func load(_ file: String) throws -> [Vector] {
        let entries = try VectorFile.load([String: FileEntry].self, named: file, in: .module)
        return try entries.sorted { $0.key < $1.key }.map { name, entry in
            var input: RLPItem?
            if case .string(let marker) = entry.in, marker == "VALID" || marker == "INVALID" {
                input = nil
            } else {
                input = try entry.in.item()
            }
            return Vector(name: name, input: input, encoded: try #require([UInt8](hex: entry.out)))
        }
    }

    @Test("file counts match the upstream files")
    func vectorCounts() throws {
        #expect(try Self.load("rlptest").count == 28)
        #expect(try Self.load("invalidRLPTest").count == 26)
        #expect(try Self.load("example").count == 1)
    }

    @Test("valid vector encodes to `out` and decodes back", arguments: try EthereumVectorTests.load("rlptest"))
    func validVector(_ vector: Vector) throws {
        let input = try #require(vector.input)
        #expect(RLP.encode(input) == vector.encoded)
        #expect(try RLP.decode(vector.encoded) == input)
        var reader = RLPReader(vector.encoded)
        #expect(try reader.readRawItem() == vector.encoded[...])
        #expect(reader.isAtEnd)
    }

    @Test("random-RLP example decodes and re-encodes identically", arguments: try EthereumVectorTests.load("example"))
    func randomExample(_ vector: Vector) throws {
        #expect(vector.input == nil)
        let item = try RLP.decode(vector.encoded)
        #expect(RLP.encode(item) == vector.encoded)
    }

    /// The code each invalid vector must be rejected with, worked out by hand from the bytes.
    static let expectedCodes: [String: RLPError.Code] = [
        "int32Overflow": .truncated,  // bf: 8-byte length 0x0f00000000000002, far past the input
        "int32Overflow2": .truncated,  // ff: the same for a list
        "wrongSizeList": .nonCanonicalLength,  // f8 01: long form for length 1
        "wrongSizeList2": .nonCanonicalLength,
        "incorrectLengthInArray": .nonCanonicalLength,  // b9 0021: length field with a leading zero
        "randomRLP": .nonCanonicalLength,  // the same b9 0021 two lists down
        "bytesShouldBeSingleByte00": .nonCanonicalSingleByte,
        "bytesShouldBeSingleByte01": .nonCanonicalSingleByte,
        "bytesShouldBeSingleByte7F": .nonCanonicalSingleByte,
        "leadingZerosInLongLengthArray1": .nonCanonicalLength,
        "leadingZerosInLongLengthArray2": .nonCanonicalLength,
        "leadingZerosInLongLengthList1": .nonCanonicalLength,
        "leadingZerosInLongLengthList2": .nonCanonicalLength,
        "nonOptimalLongLengthArray1": .nonCanonicalLength,
        "nonOptimalLongLengthArray2": .nonCanonicalLength,
        "nonOptimalLongLengthList1": .nonCanonicalLength,
        "nonOptimalLongLengthList2": .nonCanonicalLength,
        "emptyEncoding": .truncated,
        "lessThanShortLengthArray1": .truncated,
        "lessThanShortLengthArray2": .truncated,
        "lessThanShortLengthList1": .truncated,
        "lessThanShortLengthList2": .truncated,
        "lessThanLongLengthArray1": .truncated,
        "lessThanLongLengthArray2": .truncated,
        "lessThanLongLengthList1": .truncated,
        "lessThanLongLengthList2": .lengthOverflow,  // ff ffffffffffffffff: more than Int.max
    ]

    @Test(
        "invalid vector is rejected with the expected code",
        arguments: try EthereumVectorTests.load("invalidRLPTest")
    )
    func invalidVector(_ vector: Vector) throws {
        #expect(vector.input == nil)
        let expected = try #require(Self.expectedCodes[vector.name])
        let error = #expect(throws: RLPError.self) { try RLP.decode(vector.encoded) }
        #expect(error?.code == expected)
        var reader = RLPReader(vector.encoded)
        #expect(throws: RLPError.self) {
            _ = try reader.readRawItem()
            try reader.expectEnd()
        }
    }
}
