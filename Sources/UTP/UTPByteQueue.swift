// SPDX-License-Identifier: Apache-2.0

/// A growable ring buffer of bytes with bulk copies, used for the send buffer (bytes from the
/// first unacknowledged packet onward) and the in-order receive buffer. Steady-state operation
/// does not allocate.
struct UTPByteQueue: Sendable {
    private var storage: [UInt8] = []
    private var head = 0
    private(set) var count = 0

    var isEmpty: Bool { self.count == 0 }

    /// Bytes of storage held (0 until the first append, and again after ``releaseStorageIfEmpty()``).
    var capacity: Int { self.storage.count }

    /// Frees the storage when nothing is queued: an idle connection keeps no buffer.
    mutating func releaseStorageIfEmpty() {
        guard self.count == 0, !self.storage.isEmpty else { return }
        self.storage = []
        self.head = 0
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        self.reserve(self.count + bytes.count)
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

    mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { self.append($0) }
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

    private mutating func reserve(_ needed: Int) {
        guard needed > self.capacity else { return }
        var newCapacity = max(self.capacity, 4096)
        while newCapacity < needed { newCapacity <<= 1 }
        var newStorage = [UInt8](repeating: 0, count: newCapacity)
        if self.count > 0 {
            var linear: [UInt8] = []
            linear.reserveCapacity(self.count)
            self.copy(offset: 0, length: self.count, appendingTo: &linear)
            newStorage.withUnsafeMutableBytes { destination in
                linear.withUnsafeBytes { destination.copyMemory(from: $0) }
            }
        }
        self.storage = newStorage
        self.head = 0
    }
}
