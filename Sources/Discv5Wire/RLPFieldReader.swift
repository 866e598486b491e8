// SPDX-License-Identifier: Apache-2.0

import RLP

/// Reads the elements of a `message-data` list, turning RLP errors into
/// ``Discv5WireError/Code/invalidMessage`` with the field's name.
struct RLPFieldReader {
    private var reader: RLPReader

    init(_ reader: RLPReader) {
        self.reader = reader
    }

    var isAtEnd: Bool { reader.isAtEnd }

    mutating func bytes(_ field: StaticString) throws(Discv5WireError) -> ArraySlice<UInt8> {
        do {
            return try reader.readBytes()
        } catch {
            throw .invalidMessage("\(field): \(error.code)")
        }
    }

    mutating func uint64(_ field: StaticString) throws(Discv5WireError) -> UInt64 {
        do {
            return try reader.readUInt64()
        } catch {
            throw .invalidMessage("\(field): \(error.code)")
        }
    }

    mutating func uint16(_ field: StaticString) throws(Discv5WireError) -> UInt16 {
        do {
            return try reader.readUInt(as: UInt16.self)
        } catch {
            throw .invalidMessage("\(field): \(error.code)")
        }
    }

    mutating func list(_ field: StaticString) throws(Discv5WireError) -> RLPFieldReader {
        do {
            return RLPFieldReader(try reader.enterList())
        } catch {
            throw .invalidMessage("\(field): \(error.code)")
        }
    }

    mutating func rawItem(_ field: StaticString) throws(Discv5WireError) -> ArraySlice<UInt8> {
        do {
            return try reader.readRawItem()
        } catch {
            throw .invalidMessage("\(field): \(error.code)")
        }
    }

    mutating func requestID() throws(Discv5WireError) -> RequestID {
        try RequestID(bytes: bytes("request-id"))
    }

    /// The spec lists each message's exact elements and has no forward-compatibility clause
    /// (unlike discv4's EIP-8), so extra trailing elements make the message invalid.
    func expectEnd(_ message: StaticString) throws(Discv5WireError) {
        guard reader.isAtEnd else {
            throw .invalidMessage("\(message): unexpected trailing elements")
        }
    }
}
