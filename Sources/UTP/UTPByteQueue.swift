// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// A growable ring buffer of bytes with bulk copies, used for the send buffer (bytes from the
/// first unacknowledged packet onward) and the in-order receive buffer. Steady-state operation
/// does not allocate.
///
/// Storage of ``UTPStoragePool/minimumCapacity`` bytes or more is taken from, and given back to,
/// a ``UTPStoragePool`` (``UTPStoragePool/shared`` unless a test names another): a transfer's
/// window-sized buffer is mapped and faulted in by the kernel once, not once per connection.
struct UTPByteQueue: Sendable {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { self.count == 0 }

    /// Bytes of storage held (0 until the first append, and again after ``releaseStorageIfEmpty()``).
    var capacity: Int { self.storage.count }

    /// Frees the storage when nothing is queued: an idle connection keeps no buffer.
    mutating func releaseStorageIfEmpty(pool: UTPStoragePool = .shared) {
        guard self.count == 0, !self.storage.isEmpty else { return }
        let released = self.storage
        self.storage = []
        self.head = 0
        pool.give(released)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer, pool: UTPStoragePool = .shared) {
        guard !bytes.isEmpty else { return }
        self.reserve(self.count + bytes.count, pool: pool)
        let capacity = self.capacity
        let tail = (self.head + self.count) & (capacity - 1)
        let first = min(bytes.count, capacity - tail)
        self.storage.withUnsafeMutableBytes { destination in
            UnsafeMutableRawBufferPointer(rebasing: destination[tail..<(tail + first)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<first]))
            if first < bytes.count {
                UnsafeMutableRawBufferPointer(rebasing: destination[0..<(bytes.count - first)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[first...]))
            }
        }
        self.count += bytes.count
    }

    mutating func append(_ bytes: ArraySlice<UInt8>, pool: UTPStoragePool = .shared) {
        bytes.withUnsafeBytes { self.append($0, pool: pool) }
    }

    /// Appends `length` bytes starting `offset` bytes from the front to `output`.
    func copy(offset: Int, length: Int, appendingTo output: inout [UInt8]) {
        precondition(offset >= 0 && length >= 0 && offset + length <= self.count, "byte queue range")
        guard length > 0 else { return }
        let capacity = self.capacity
        let start = (self.head + offset) & (capacity - 1)
        let first = min(length, capacity - start)
        self.storage.withUnsafeBytes { source in
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[start..<(start + first)]))
            if first < length {
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[0..<(length - first)]))
            }
        }
    }

    mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= self.count, "byte queue underflow")
        guard n > 0 else { return }
        self.head = (self.head + n) & (self.capacity - 1)
        self.count -= n
        if self.count == 0 { self.head = 0 }
    }

    private mutating func reserve(_ needed: Int, pool: UTPStoragePool) {
        guard needed > self.capacity else { return }
        var newCapacity = max(self.capacity, 4096)
        while newCapacity < needed { newCapacity <<= 1 }
        // Every byte below `count` is copied in before it is read and every byte above it is written
        // before it is read, so the new storage is not zero-filled: the fill only touched the pages twice.
        var newStorage =
            newCapacity >= UTPStoragePool.minimumCapacity
            ? pool.take(atLeast: newCapacity) ?? Self.uninitializedStorage(newCapacity)
            : Self.uninitializedStorage(newCapacity)
        if self.count > 0 {
            let capacity = self.capacity
            let first = min(self.count, capacity - self.head)
            let rest = self.count - first
            let head = self.head
            self.storage.withUnsafeBytes { source in
                newStorage.withUnsafeMutableBytes { destination in
                    destination.baseAddress!.copyMemory(from: source.baseAddress! + head, byteCount: first)
                    if rest > 0 {
                        (destination.baseAddress! + first).copyMemory(from: source.baseAddress!, byteCount: rest)
                    }
                }
            }
        }
        // The outgrown storage is freed, not kept: the pool is for window-sized buffers.
        self.storage = newStorage
        self.head = 0
    }

    private static func uninitializedStorage(_ capacity: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: capacity) { _, initializedCount in initializedCount = capacity }
    }
}

/// Drained byte-queue storage kept for the next connection, bounded.
///
/// A bulk transfer grows its queues to the window (1 MiB by default). Allocations that large come
/// from `mmap`, so a fresh connection paid a page fault and a kernel zero-fill for every 4 KiB page it
/// touched, and many short transfers in a row spent more time there than in the protocol. Keeping a
/// few drained buffers ends that, at a fixed cost in resident memory: at most ``maximumBuffers``
/// buffers and ``maximumBytes`` bytes in all, whatever the number of connections.
final class UTPStoragePool: Sendable {
    /// The pool every connection's queues use: 8 buffers, 8 MiB at most.
    static let shared = UTPStoragePool(maximumBuffers: 8, maximumBytes: 8 * 1024 * 1024)

    /// The smallest storage worth keeping, in bytes; smaller buffers come from malloc's own bins.
    static let minimumCapacity = 64 * 1024

    /// The most buffers kept.
    let maximumBuffers: Int
    /// The most bytes kept, over all buffers.
    let maximumBytes: Int

    private let kept = Mutex<(buffers: [[UInt8]], bytes: Int)>(([], 0))

    init(maximumBuffers: Int, maximumBytes: Int) {
        self.maximumBuffers = maximumBuffers
        self.maximumBytes = maximumBytes
    }

    /// The largest kept buffer, when it holds `capacity` bytes or more; otherwise `nil`.
    ///
    /// The largest, not the best fit: a queue that needs the pool is growing, and a buffer the size of
    /// the window spares it the steps in between.
    func take(atLeast capacity: Int) -> [UInt8]? {
        self.kept.withLock { kept in
            guard let index = kept.buffers.indices.max(by: { kept.buffers[$0].count < kept.buffers[$1].count }),
                kept.buffers[index].count >= capacity
            else { return nil }
            let buffer = kept.buffers.remove(at: index)
            kept.bytes -= buffer.count
            return buffer
        }
    }

    /// Keeps a buffer of at least ``minimumCapacity`` bytes when the bounds leave room, or in place of
    /// a smaller kept one when they do not; otherwise lets it be freed.
    ///
    /// Only power-of-two sizes are kept: a queue indexes its ring with a mask of its capacity.
    func give(_ buffer: [UInt8]) {
        guard buffer.count >= Self.minimumCapacity, buffer.count <= self.maximumBytes,
            buffer.count.nonzeroBitCount == 1
        else { return }
        self.kept.withLock { kept in
            while kept.buffers.count >= self.maximumBuffers || kept.bytes + buffer.count > self.maximumBytes {
                guard let smallest = kept.buffers.indices.min(by: { kept.buffers[$0].count < kept.buffers[$1].count }),
                    kept.buffers[smallest].count < buffer.count
                else { return }
                kept.bytes -= kept.buffers.remove(at: smallest).count
            }
            kept.buffers.append(buffer)
            kept.bytes += buffer.count
        }
    }

    /// The number of buffers and bytes kept now.
    var occupancy: (buffers: Int, bytes: Int) { self.kept.withLock { ($0.buffers.count, $0.bytes) } }
}
