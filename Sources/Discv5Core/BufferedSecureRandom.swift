// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto

/// The system's cryptographically secure random bytes, fetched a block at a time.
///
/// `SystemRandomNumberGenerator` makes one `getrandom` system call per 64-bit draw; the packet
/// path draws several per packet (request id, nonce, masking IV), which made the calls a
/// measurable share of the CPU. This generator asks ``SecureRandom`` for ``blockWords`` words at
/// once and hands them out in order. The bytes come from the same source; only the number of
/// system calls changes. The engine and the protocol machine use it in place of the
/// `SystemRandomNumberGenerator` default.
struct BufferedSecureRandom: RandomNumberGenerator {
    /// Words fetched per system call (2 KiB).
    static let blockWords = 256

    private var block = [UInt64](repeating: 0, count: blockWords)
    private var index = blockWords

    mutating func next() -> UInt64 {
        if index == Self.blockWords {
            block.withUnsafeMutableBytes { SecureRandom.fill($0) }
            index = 0
        }
        defer { index += 1 }
        return block[index]
    }

    /// `generator`, or a buffered generator when it is the system's (same source, fewer calls).
    ///
    /// - Parameters:
    ///   - generator: The generator a caller passed.
    static func replacingSystem(_ generator: any RandomNumberGenerator) -> any RandomNumberGenerator {
        generator is SystemRandomNumberGenerator ? BufferedSecureRandom() : generator
    }
}
