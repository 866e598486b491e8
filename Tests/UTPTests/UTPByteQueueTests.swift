// SPDX-License-Identifier: Apache-2.0

import TestSupport
import Testing

@testable import UTP

@Suite("Byte queue and its storage pool")
struct UTPByteQueueTests {
    /// Drains `count` bytes from the front and returns them.
    private func take(_ count: Int, from queue: inout UTPByteQueue) -> [UInt8] {
        var out: [UInt8] = []
        queue.copy(offset: 0, length: count, appendingTo: &out)
        queue.removeFirst(count)
        return out
    }

    @Test func bytesSurviveGrowthWhileTheRingIsWrapped() {
        let pool = UTPStoragePool(maximumBuffers: 2, maximumBytes: 1 << 20)
        var generator = SplitMix64(seed: 0xB17E_0001)
        var queue = UTPByteQueue()
        var expected: [UInt8] = []
        var received: [UInt8] = []
        // Appends larger than removals move the head around the ring and force every growth step
        // (4 KiB up to 256 KiB) to copy a wrapped range.
        for round in 0..<400 {
            let chunk = (0..<(700 + round % 900)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            queue.append(chunk[...], pool: pool)
            expected += chunk
            received += self.take(min(queue.count, 400 + round % 500), from: &queue)
        }
        received += self.take(queue.count, from: &queue)
        #expect(received == expected)
        #expect(queue.capacity >= 128 * 1024)
    }

    @Test func aReleasedWindowSizedBufferIsReusedWithItsOldBytesNeverRead() {
        let pool = UTPStoragePool(maximumBuffers: 4, maximumBytes: 4 << 20)
        var first = UTPByteQueue()
        first.append([UInt8](repeating: 0xAA, count: 300_000)[...], pool: pool)
        let grownCapacity = first.capacity
        #expect(grownCapacity == 512 * 1024)
        _ = self.take(first.count, from: &first)
        first.releaseStorageIfEmpty(pool: pool)
        #expect(first.capacity == 0)
        #expect(pool.occupancy.buffers == 1)
        #expect(pool.occupancy.bytes == grownCapacity)

        // The next queue takes it as soon as it outgrows malloc's small sizes, and sees only its own bytes.
        var second = UTPByteQueue()
        let fresh = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        second.append(fresh[...], pool: pool)
        #expect(second.capacity == grownCapacity)
        #expect(pool.occupancy.buffers == 0)
        #expect(self.take(second.count, from: &second) == fresh)
    }

    @Test func smallBuffersAreNotKept() {
        let pool = UTPStoragePool(maximumBuffers: 4, maximumBytes: 4 << 20)
        var queue = UTPByteQueue()
        queue.append([UInt8](repeating: 1, count: 5_000)[...], pool: pool)
        #expect(queue.capacity == 8 * 1024)
        _ = self.take(queue.count, from: &queue)
        queue.releaseStorageIfEmpty(pool: pool)
        #expect(pool.occupancy.buffers == 0)
    }

    @Test func thePoolKeepsWithinItsBoundsAndPrefersLargerBuffers() {
        let pool = UTPStoragePool(maximumBuffers: 3, maximumBytes: 3 << 20)
        for _ in 0..<5 { pool.give([UInt8](repeating: 0, count: 64 * 1024)) }
        #expect(pool.occupancy.buffers == 3)
        #expect(pool.occupancy.bytes == 3 * 64 * 1024)

        // Full: a larger buffer takes the place of a smaller one.
        pool.give([UInt8](repeating: 0, count: 1 << 20))
        #expect(pool.occupancy.buffers == 3)
        #expect(pool.occupancy.bytes == 2 * 64 * 1024 + (1 << 20))

        // The byte bound holds too: two more megabyte buffers fit only by pushing out the small ones.
        pool.give([UInt8](repeating: 0, count: 1 << 20))
        pool.give([UInt8](repeating: 0, count: 1 << 20))
        #expect(pool.occupancy.buffers == 3)
        #expect(pool.occupancy.bytes == 3 << 20)
        pool.give([UInt8](repeating: 0, count: 1 << 20))
        #expect(pool.occupancy.bytes == 3 << 20)

        // Larger than the whole budget, below the minimum, or not a power of two (a queue masks its
        // ring indices with its capacity): never kept.
        let tiny = UTPStoragePool(maximumBuffers: 3, maximumBytes: 1 << 20)
        tiny.give([UInt8](repeating: 0, count: 2 << 20))
        tiny.give([UInt8](repeating: 0, count: UTPStoragePool.minimumCapacity - 1))
        tiny.give([UInt8](repeating: 0, count: 100_000))
        #expect(tiny.occupancy.buffers == 0)

        // Taking asks for a size: the largest kept buffer is handed out only when it is big enough.
        #expect(pool.take(atLeast: 2 << 20) == nil)
        #expect(pool.take(atLeast: 64 * 1024)?.count == 1 << 20)
        #expect(pool.occupancy.buffers == 2)
    }
}
