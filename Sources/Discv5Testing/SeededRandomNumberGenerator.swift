// SPDX-License-Identifier: Apache-2.0

/// A fast, seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Not cryptographically secure: for reproducible tests and simulations only. The same seed
/// always yields the same sequence on every platform.
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Hashable, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator.
    /// - Parameters:
    ///   - seed: Any 64-bit value; expanded with SplitMix64 so that similar seeds give unrelated streams.
    public init(seed: UInt64) {
        var state = seed
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        self.s0 = splitMix()
        self.s1 = splitMix()
        self.s2 = splitMix()
        self.s3 = splitMix()
    }

    /// Returns the next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = (self.s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = self.s1 << 17
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = self.s3.rotatedLeft(by: 45)
        return result
    }

    /// Returns `true` with probability `probability` (clamped to 0 … 1).
    /// - Parameters:
    ///   - probability: The chance of `true`.
    public mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        guard probability < 1 else { return true }
        return Double(self.next() >> 11) * 0x1p-53 < probability
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 - amount))
    }
}
