// SPDX-License-Identifier: Apache-2.0

/// The LEDBAT delay base: the minimum one-way delay sample over a sliding history of buckets
/// (BEP 29 / libutp: 13 buckets of one minute), so that clock offset cancels out and drift is
/// forgotten. Samples are wrapping 32-bit microsecond values (`timestamp_difference_microseconds`).
struct UTPDelayBaseHistory: Hashable, Sendable {
    private var buckets: [UInt32] = []
    private var bucketStart: UInt64 = 0
    private let bucketLength: UInt64
    private let bucketCount: Int
    /// The minimum over the history, `nil` before the first sample.
    private(set) var base: UInt32?

    init(bucketCount: Int, bucketLength: UInt64) {
        self.bucketCount = max(1, bucketCount)
        self.bucketLength = max(1, bucketLength)
        self.buckets.reserveCapacity(self.bucketCount)
    }

    /// Adds a sample and returns the queuing delay it implies, `sample − base`, in microseconds.
    mutating func add(_ sample: UInt32, now: UInt64) -> UInt32 {
        if self.buckets.isEmpty {
            self.buckets.append(sample)
            self.bucketStart = now
        } else if now &- self.bucketStart >= self.bucketLength {
            if self.buckets.count == self.bucketCount { self.buckets.removeFirst() }
            self.buckets.append(sample)
            self.bucketStart = now
        } else if UTPSequence.isBefore32(sample, self.buckets[self.buckets.count - 1]) {
            self.buckets[self.buckets.count - 1] = sample
        }
        var minimum = self.buckets[0]
        for value in self.buckets.dropFirst() where UTPSequence.isBefore32(value, minimum) {
            minimum = value
        }
        self.base = minimum
        return sample &- minimum
    }
}
