// SPDX-License-Identifier: Apache-2.0

/// A deterministic in-memory datagram network for testing sans-I/O protocol machines.
///
/// Datagrams handed to ``send(_:from:to:at:)`` are scheduled for delivery after a base delay plus
/// uniform jitter, and may be lost, duplicated, delayed further (reordered) or dropped for
/// exceeding the MTU, all decided by a seeded generator. Given the same seed and the same calls,
/// the schedule is identical on every run. Time is nanoseconds, as in ``ManualClock``.
///
/// A test loop typically looks like:
/// ```swift
/// while !done {
///     for d in network.deliverDue(now: clock.now) { /* feed d.bytes to d.to's machine */ }
///     /* fire timers, drain the machines' transmits into network.send(...) */
///     clock.advance(to: min(network.nextDeliveryTime ?? .max, machinesNextDeadline))
/// }
/// ```
public struct SimulatedNetwork<Address: Hashable & Sendable>: Sendable {
    /// How the network treats datagrams.
    public struct Configuration: Hashable, Sendable {
        /// Probability (0 … 1) that a datagram is lost. Default 0.
        public var lossRate: Double
        /// Fixed one-way delay in nanoseconds. Default 10 ms.
        public var baseDelay: UInt64
        /// Extra delay drawn uniformly from 0 … `jitter` nanoseconds per datagram. Default 0.
        public var jitter: UInt64
        /// Probability that a datagram is held back by ``reorderDelay`` more, so later ones overtake it. Default 0.
        public var reorderProbability: Double
        /// The extra delay of a reordered datagram in nanoseconds. Default 20 ms.
        public var reorderDelay: UInt64
        /// Probability that a datagram is delivered twice. Default 0.
        public var duplicationProbability: Double
        /// Datagrams longer than this many bytes are dropped; `nil` means no limit. Default `nil`.
        public var mtu: Int?
        /// Per-link (sender → receiver) bandwidth in bytes per second; datagrams queue behind each
        /// other on a link. `nil` means unlimited. Default `nil`.
        public var bandwidthBytesPerSecond: UInt64?

        /// Creates a configuration; every parameter has the default described on its property.
        /// - Parameters:
        ///   - lossRate: Loss probability.
        ///   - baseDelay: One-way delay in nanoseconds.
        ///   - jitter: Maximum extra random delay in nanoseconds.
        ///   - reorderProbability: Probability of an extra ``reorderDelay``.
        ///   - reorderDelay: Extra delay for reordered datagrams.
        ///   - duplicationProbability: Duplication probability.
        ///   - mtu: Maximum datagram size, or `nil`.
        ///   - bandwidthBytesPerSecond: Link bandwidth, or `nil`.
        public init(
            lossRate: Double = 0,
            baseDelay: UInt64 = 10_000_000,
            jitter: UInt64 = 0,
            reorderProbability: Double = 0,
            reorderDelay: UInt64 = 20_000_000,
            duplicationProbability: Double = 0,
            mtu: Int? = nil,
            bandwidthBytesPerSecond: UInt64? = nil
        ) {
            self.lossRate = lossRate
            self.baseDelay = baseDelay
            self.jitter = jitter
            self.reorderProbability = reorderProbability
            self.reorderDelay = reorderDelay
            self.duplicationProbability = duplicationProbability
            self.mtu = mtu
            self.bandwidthBytesPerSecond = bandwidthBytesPerSecond
        }
    }

    /// A datagram arriving at its destination.
    public struct Delivery: Hashable, Sendable {
        /// The sender's address.
        public var from: Address
        /// The receiver's address.
        public var to: Address
        /// The datagram.
        public var bytes: [UInt8]
        /// When it arrives, in nanoseconds.
        public var time: UInt64
    }

    /// Counters of what the network did.
    public struct Statistics: Hashable, Sendable {
        /// Datagrams handed to ``SimulatedNetwork/send(_:from:to:at:)``.
        public var sent = 0
        /// Datagrams lost at random.
        public var lost = 0
        /// Datagrams dropped for exceeding the MTU.
        public var oversized = 0
        /// Extra copies created by duplication.
        public var duplicated = 0
        /// Datagrams delayed for reordering.
        public var reordered = 0
        /// Datagrams returned by ``SimulatedNetwork/deliverDue(now:)``.
        public var delivered = 0
    }

    private struct Link: Hashable, Sendable {
        var from: Address
        var to: Address
    }

    private struct Scheduled: Sendable {
        var delivery: Delivery
        var order: UInt64

        func precedes(_ other: Scheduled) -> Bool {
            (self.delivery.time, self.order) < (other.delivery.time, other.order)
        }
    }

    /// The default behaviour for every link without an override.
    public var configuration: Configuration
    /// What happened so far.
    public private(set) var statistics = Statistics()
    private var overrides: [Link: Configuration] = [:]
    private var linkBusyUntil: [Link: UInt64] = [:]
    private var heap: [Scheduled] = []
    private var order: UInt64 = 0
    private var random: SeededRandomNumberGenerator

    /// Creates a network.
    /// - Parameters:
    ///   - configuration: The behaviour of every link.
    ///   - seed: The seed of all random decisions.
    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        self.configuration = configuration
        self.random = SeededRandomNumberGenerator(seed: seed)
    }

    /// Overrides the behaviour of one direction of one link (e.g. to make it lossy).
    /// - Parameters:
    ///   - configuration: The behaviour, or `nil` to use ``configuration`` again.
    ///   - from: The sender.
    ///   - to: The receiver.
    public mutating func setConfiguration(_ configuration: Configuration?, from: Address, to: Address) {
        self.overrides[Link(from: from, to: to)] = configuration
    }

    /// The number of datagrams in flight.
    public var pendingCount: Int { self.heap.count }

    /// The arrival time of the next datagram, if any.
    public var nextDeliveryTime: UInt64? { self.heap.first?.delivery.time }

    /// Hands a datagram to the network.
    /// - Parameters:
    ///   - bytes: The datagram.
    ///   - from: The sender.
    ///   - to: The receiver.
    ///   - now: The send time in nanoseconds.
    public mutating func send(_ bytes: [UInt8], from: Address, to: Address, at now: UInt64) {
        self.statistics.sent += 1
        let link = Link(from: from, to: to)
        let config = self.overrides[link] ?? self.configuration
        if let mtu = config.mtu, bytes.count > mtu {
            self.statistics.oversized += 1
            return
        }
        var departure = now
        if let bandwidth = config.bandwidthBytesPerSecond, bandwidth > 0 {
            departure = max(now, self.linkBusyUntil[link] ?? 0)
            let serialization = UInt64(bytes.count) * 1_000_000_000 / bandwidth
            self.linkBusyUntil[link] = departure + serialization
            departure += serialization
        }
        if self.random.chance(config.lossRate) {
            self.statistics.lost += 1
            return
        }
        let copies = self.random.chance(config.duplicationProbability) ? 2 : 1
        self.statistics.duplicated += copies - 1
        for _ in 0..<copies {
            var delay = config.baseDelay
            if config.jitter > 0 {
                delay += self.random.next() % (config.jitter + 1)
            }
            if self.random.chance(config.reorderProbability) {
                self.statistics.reordered += 1
                delay += config.reorderDelay
            }
            self.push(Delivery(from: from, to: to, bytes: bytes, time: departure + delay))
        }
    }

    /// Removes and returns every datagram due at or before `now`, in arrival order.
    /// - Parameters:
    ///   - now: The current time in nanoseconds.
    public mutating func deliverDue(now: UInt64) -> [Delivery] {
        var result: [Delivery] = []
        while let first = self.heap.first, first.delivery.time <= now {
            result.append(self.popFirst().delivery)
        }
        self.statistics.delivered += result.count
        return result
    }

    /// Drops every datagram in flight (e.g. to simulate a peer vanishing).
    public mutating func dropAll() {
        self.statistics.lost += self.heap.count
        self.heap.removeAll()
    }

    private mutating func push(_ delivery: Delivery) {
        self.order += 1
        self.heap.append(Scheduled(delivery: delivery, order: self.order))
        var child = self.heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard self.heap[child].precedes(self.heap[parent]) else { break }
            self.heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() -> Scheduled {
        let top = self.heap[0]
        let last = self.heap.removeLast()
        if !self.heap.isEmpty {
            self.heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < self.heap.count, self.heap[left].precedes(self.heap[smallest]) { smallest = left }
                if right < self.heap.count, self.heap[right].precedes(self.heap[smallest]) { smallest = right }
                if smallest == parent { break }
                self.heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
