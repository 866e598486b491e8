// SPDX-License-Identifier: Apache-2.0

/// The self-checking datagram of the exchange test: `[seq: u32 BE][fnv1a32(body): u32 BE][body]`, where the
/// body is a pattern derived from the sequence number.
enum TestDatagram {
    static let headerSize = 8

    /// A size between 8 and 1472 that varies with `sequence`.
    static func size(of sequence: UInt32) -> Int {
        Self.headerSize + Int(sequence &* 7919 % 1465)
    }

    static func make(sequence: UInt32) -> [UInt8] {
        let size = Self.size(of: sequence)
        var bytes = [UInt8](repeating: 0, count: size)
        for index in Self.headerSize..<size {
            bytes[index] = UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ index)
        }
        let hash = fnv1a(bytes[Self.headerSize...])
        for shift in 0..<4 {
            bytes[shift] = UInt8(truncatingIfNeeded: sequence >> (24 - 8 * UInt32(shift)))
            bytes[4 + shift] = UInt8(truncatingIfNeeded: hash >> (24 - 8 * UInt32(shift)))
        }
        return bytes
    }

    /// The sequence number if the datagram is intact, else `nil`.
    static func check(_ bytes: [UInt8]) -> UInt32? {
        guard bytes.count >= Self.headerSize else { return nil }
        let sequence = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let hash = bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard bytes.count == Self.size(of: sequence), fnv1a(bytes[Self.headerSize...]) == hash else { return nil }
        return sequence
    }

    static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        return hash
    }
}
