// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct SecureRandomTests {
    @Test func returnsTheRequestedCountAndVaries() {
        #expect(SecureRandom.bytes(count: 0).isEmpty)
        let first = SecureRandom.bytes(count: 32)
        let second = SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        // Equal 256-bit draws would mean a broken generator (chance 2^-256).
        #expect(first != second)
    }

    @Test func fillsAWholeBuffer() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        buffer.withUnsafeMutableBytes { SecureRandom.fill($0) }
        // All-zero 4 KiB would mean nothing was written.
        #expect(buffer.contains { $0 != 0 })
        SecureRandom.fill(UnsafeMutableRawBufferPointer(start: nil, count: 0))
    }
}
