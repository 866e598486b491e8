// SPDX-License-Identifier: Apache-2.0

/// Deterministic pseudo-random bytes: SplitMix64 from `seed`, each 64-bit output in 8 bytes, least
/// significant first. Fast enough for many MiB in a debug build.
public func testBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return testBytes(count: count, state: &state)
}

/// ``testBytes(count:seed:)`` continuing from `state` (chunks of a multiple of 8 bytes concatenate to the same
/// bytes as one call).
public func testBytes(count: Int, state: inout UInt64) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for shift in stride(from: 0, to: 64, by: 8) where offset < count {
                raw[offset] = UInt8(truncatingIfNeeded: z >> UInt64(shift))
                offset += 1
            }
        }
    }
    return bytes
}
