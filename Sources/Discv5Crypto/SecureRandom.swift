// SPDX-License-Identifier: Apache-2.0

import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's `RAND_bytes` (seeded by the OS).
public enum SecureRandom {
    /// Returns `count` random bytes.
    ///
    /// - Parameters:
    ///   - count: How many bytes; zero or more.
    /// - Returns: The random bytes.
    public static func bytes(count: Int) -> [UInt8] {
        precondition(count >= 0, "random byte count must not be negative")
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Fills a buffer with random bytes.
    ///
    /// A failing random generator leaves nothing safe to do (keys and nonces would be
    /// predictable), so failure stops the process instead of returning weak bytes.
    ///
    /// - Parameters:
    ///   - buffer: The memory to overwrite; may be empty.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard var pointer = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let chunk = min(remaining, Int(Int32.max))
            guard RAND_bytes(pointer, Int32(chunk)) == 1 else {
                fatalError("RAND_bytes failed: no secure randomness available")
            }
            pointer += chunk
            remaining -= chunk
        }
    }
}
