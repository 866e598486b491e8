// SPDX-License-Identifier: Apache-2.0

/// Keccak-256, the hash Ethereum uses for node identities and ENR "v4" signatures.
///
/// This is the original Keccak submission (Keccak-f[1600], rate 1088 bits = 136 bytes,
/// capacity 512 bits) with the *original* multi-rate padding `0x01 … 0x80`. It is not
/// FIPS 202 SHA3-256, which pads with `0x06 … 0x80` and therefore yields different digests.
///
/// The implementation is pure Swift: the 25-lane state lives in a stack buffer, each round
/// is fully unrolled over local variables, and nothing is allocated except the 32-byte result.
public enum Keccak256 {
    /// The digest length in bytes.
    public static let byteCount = 32

    /// The sponge rate in bytes: how much input each permutation absorbs.
    static let rate = 136

    /// Hashes `data` and returns the 32-byte Keccak-256 digest.
    ///
    /// - Parameters:
    ///   - data: The bytes to hash; any length, including empty.
    /// - Returns: The 32-byte digest.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        withContiguousBytes(of: data) { hash(bytes: $0) }
    }

    /// Hashes the bytes of a raw buffer without copying them first.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to hash; any length, including empty.
    /// - Returns: The 32-byte digest.
    public static func hash(bytes: UnsafeRawBufferPointer) -> [UInt8] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 25) { state in
            state.initialize(repeating: 0)
            var offset = 0
            // Absorb every full block straight from the input.
            while bytes.count - offset >= rate {
                absorb(block: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + rate)]), into: state)
                offset += rate
            }
            // The last block is always partial (possibly empty) and carries the padding:
            // Keccak's pad10*1 with the domain bit 0x01 and the final bit 0x80 in the last byte.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: rate) { last in
                last.initialize(repeating: 0)
                let tail = bytes.count - offset
                if tail > 0, let base = bytes.baseAddress {
                    UnsafeMutableRawBufferPointer(last).copyMemory(
                        from: UnsafeRawBufferPointer(start: base + offset, count: tail)
                    )
                }
                last[tail] ^= 0x01
                last[rate - 1] ^= 0x80
                absorb(block: UnsafeRawBufferPointer(last), into: state)
            }
            // Squeeze: the 32 bytes are the first four lanes, little-endian.
            return [UInt8](unsafeUninitializedCapacity: byteCount) { digest, initialized in
                let raw = UnsafeMutableRawBufferPointer(digest)
                for lane in 0..<4 {
                    raw.storeBytes(of: state[lane].littleEndian, toByteOffset: lane * 8, as: UInt64.self)
                }
                initialized = byteCount
            }
        }
    }

    /// XORs one `rate`-byte block into the state (lanes are little-endian) and permutes.
    private static func absorb(block: UnsafeRawBufferPointer, into state: UnsafeMutableBufferPointer<UInt64>) {
        for lane in 0..<(rate / 8) {
            state[lane] ^= UInt64(littleEndian: block.loadUnaligned(fromByteOffset: lane * 8, as: UInt64.self))
        }
        permute(state)
    }

    @inline(__always)
    private static func rotateLeft(_ value: UInt64, _ amount: UInt64) -> UInt64 {
        (value &<< amount) | (value &>> (64 &- amount))
    }

    /// The ι-step constants of the 24 rounds (FIPS 202 §3.2.5; Keccak uses the same).
    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A,
        0x8000_0000_8000_8000, 0x0000_0000_0000_808B, 0x0000_0000_8000_0001,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8009, 0x0000_0000_0000_008A,
        0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089,
        0x8000_0000_0000_8003, 0x8000_0000_0000_8002, 0x8000_0000_0000_0080,
        0x0000_0000_0000_800A, 0x8000_0000_8000_000A, 0x8000_0000_8000_8081,
        0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// Keccak-f[1600]: 24 rounds of θ, ρ, π, χ, ι. Lane `a<x><y>` is `state[x + 5y]`.
    /// Generated unrolled so that the whole state stays in locals for the 24 rounds.
    private static func permute(_ state: UnsafeMutableBufferPointer<UInt64>) {
        var a00 = state[0]
        var a10 = state[1]
        var a20 = state[2]
        var a30 = state[3]
        var a40 = state[4]
        var a01 = state[5]
        var a11 = state[6]
        var a21 = state[7]
        var a31 = state[8]
        var a41 = state[9]
        var a02 = state[10]
        var a12 = state[11]
        var a22 = state[12]
        var a32 = state[13]
        var a42 = state[14]
        var a03 = state[15]
        var a13 = state[16]
        var a23 = state[17]
        var a33 = state[18]
        var a43 = state[19]
        var a04 = state[20]
        var a14 = state[21]
        var a24 = state[22]
        var a34 = state[23]
        var a44 = state[24]
        for round in 0..<24 {
            // θ: column parities, then mix each column with its neighbours.
            let c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04
            let c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14
            let c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24
            let c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34
            let c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44
            let d0 = c4 ^ rotateLeft(c1, 1)
            let d1 = c0 ^ rotateLeft(c2, 1)
            let d2 = c1 ^ rotateLeft(c3, 1)
            let d3 = c2 ^ rotateLeft(c4, 1)
            let d4 = c3 ^ rotateLeft(c0, 1)
            // ρ and π: rotate each lane and move it to (y, 2x + 3y).
            let b00 = a00 ^ d0
            let b10 = rotateLeft(a11 ^ d1, 44)
            let b20 = rotateLeft(a22 ^ d2, 43)
            let b30 = rotateLeft(a33 ^ d3, 21)
            let b40 = rotateLeft(a44 ^ d4, 14)
            let b01 = rotateLeft(a30 ^ d3, 28)
            let b11 = rotateLeft(a41 ^ d4, 20)
            let b21 = rotateLeft(a02 ^ d0, 3)
            let b31 = rotateLeft(a13 ^ d1, 45)
            let b41 = rotateLeft(a24 ^ d2, 61)
            let b02 = rotateLeft(a10 ^ d1, 1)
            let b12 = rotateLeft(a21 ^ d2, 6)
            let b22 = rotateLeft(a32 ^ d3, 25)
            let b32 = rotateLeft(a43 ^ d4, 8)
            let b42 = rotateLeft(a04 ^ d0, 18)
            let b03 = rotateLeft(a40 ^ d4, 27)
            let b13 = rotateLeft(a01 ^ d0, 36)
            let b23 = rotateLeft(a12 ^ d1, 10)
            let b33 = rotateLeft(a23 ^ d2, 15)
            let b43 = rotateLeft(a34 ^ d3, 56)
            let b04 = rotateLeft(a20 ^ d2, 62)
            let b14 = rotateLeft(a31 ^ d3, 55)
            let b24 = rotateLeft(a42 ^ d4, 39)
            let b34 = rotateLeft(a03 ^ d0, 41)
            let b44 = rotateLeft(a14 ^ d1, 2)
            // χ: the only non-linear step.
            a00 = b00 ^ (~b10 & b20)
            a10 = b10 ^ (~b20 & b30)
            a20 = b20 ^ (~b30 & b40)
            a30 = b30 ^ (~b40 & b00)
            a40 = b40 ^ (~b00 & b10)
            a01 = b01 ^ (~b11 & b21)
            a11 = b11 ^ (~b21 & b31)
            a21 = b21 ^ (~b31 & b41)
            a31 = b31 ^ (~b41 & b01)
            a41 = b41 ^ (~b01 & b11)
            a02 = b02 ^ (~b12 & b22)
            a12 = b12 ^ (~b22 & b32)
            a22 = b22 ^ (~b32 & b42)
            a32 = b32 ^ (~b42 & b02)
            a42 = b42 ^ (~b02 & b12)
            a03 = b03 ^ (~b13 & b23)
            a13 = b13 ^ (~b23 & b33)
            a23 = b23 ^ (~b33 & b43)
            a33 = b33 ^ (~b43 & b03)
            a43 = b43 ^ (~b03 & b13)
            a04 = b04 ^ (~b14 & b24)
            a14 = b14 ^ (~b24 & b34)
            a24 = b24 ^ (~b34 & b44)
            a34 = b34 ^ (~b44 & b04)
            a44 = b44 ^ (~b04 & b14)
            // ι: break the symmetry between rounds.
            a00 ^= roundConstants[round]
        }
        state[0] = a00
        state[1] = a10
        state[2] = a20
        state[3] = a30
        state[4] = a40
        state[5] = a01
        state[6] = a11
        state[7] = a21
        state[8] = a31
        state[9] = a41
        state[10] = a02
        state[11] = a12
        state[12] = a22
        state[13] = a32
        state[14] = a42
        state[15] = a03
        state[16] = a13
        state[17] = a23
        state[18] = a33
        state[19] = a43
        state[20] = a04
        state[21] = a14
        state[22] = a24
        state[23] = a34
        state[24] = a44
    }
}
