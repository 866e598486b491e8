// SPDX-License-Identifier: Apache-2.0

import ENR

/// The Kademlia routing table of discv5-theory.md ("Node Table"): 256 buckets, one per
/// log-distance from the local node, each holding up to `k` = 16 entries and a replacement
/// cache of 10 candidates.
///
/// The table is a plain value with no clock and no I/O. It never sends a PING itself; it tells
/// the caller which node to check and when, and the caller reports the outcome:
///
/// ```
/// insert ──▶ unverified ──check passed──▶ live ──check passed──▶ live …
///                 │                         │
///                 └────check failed─────────┴──▶ evicted; the newest replacement that fits
///                                                the IP limits takes the slot (unverified)
/// ```
///
/// Rules:
/// - Only **live** entries (passed a liveness check at their stored endpoint) are served to
///   others (``nodes(atDistances:limit:)``) or returned by ``closest(to:count:onlyLive:)`` by
///   default. A new node is unverified, so `nextLivenessCheck` offers it first.
/// - A full bucket keeps its old entries (Kademlia prefers long-lived nodes): the candidate
///   goes to the replacement cache and the bucket's least-recently-seen entry is due a check.
///   Only if that check fails does a replacement move in.
/// - IP limits (against table poisoning from one network): at most
///   ``RoutingTableConfiguration/maximumNodesPerSubnetInBucket`` (2) entries of one /24
///   (IPv6: /64) per bucket and ``RoutingTableConfiguration/maximumNodesPerSubnetInTable`` (10)
///   per table. They count bucket entries; the replacement cache is checked against them on
///   entry and again on promotion. Local addresses are exempt by default.
/// - A record with a higher `seq` replaces the stored one. A new endpoint makes the entry
///   unverified again: liveness was proven for the old address only.
/// - Inbound nodes (that contacted us first) are admitted only once the table is stocked, see
///   ``RoutingTableConfiguration/inboundAdmissionThreshold``.
/// - Liveness schedule: never-checked entries first, then the entry whose last check is
///   oldest, each live entry again every
///   ``RoutingTableConfiguration/livenessCheckInterval`` (5 min).
public struct RoutingTable: Sendable {
    /// One bucket per log-distance `1...256`; distance 0 is the local node itself.
    public static let bucketCount = 256

    /// The identifier all distances are measured from.
    public let localNodeID: NodeID
    /// The table's limits and timers.
    public let configuration: RoutingTableConfiguration

    /// `buckets[d - 1]` holds the nodes at log-distance `d`.
    private var buckets: [KBucket]
    /// Bucket entries per subnet, for the table-wide IP limit.
    private var tableSubnetCounts: [IPSubnet: Int] = [:]

    /// The number of entries in buckets (live or not; replacement caches excluded).
    public private(set) var count = 0

    /// Whether inbound nodes are admitted: latched once the number of live entries we found
    /// ourselves reached ``RoutingTableConfiguration/inboundAdmissionThreshold``.
    public private(set) var isStocked: Bool

    /// Creates an empty table.
    /// - Parameters:
    ///   - localNodeID: our own node identifier.
    ///   - configuration: limits and timers.
    public init(localNodeID: NodeID, configuration: RoutingTableConfiguration = .init()) {
        self.localNodeID = localNodeID
        self.configuration = configuration
        self.buckets = Array(repeating: KBucket(), count: Self.bucketCount)
        self.isStocked = configuration.inboundAdmissionThreshold <= 0
    }

    // MARK: Queries

    /// The entry of a node held in a bucket.
    /// - Parameters:
    ///   - nodeID: the node.
    /// - Returns: the entry, or `nil` when the node is in no bucket (replacement caches are not
    ///   searched).
    public func entry(for nodeID: NodeID) -> Entry? {
        guard let (bucket, index) = locate(nodeID) else { return nil }
        return buckets[bucket].entries[index]
    }

    /// Whether a node is in a bucket.
    /// - Parameters:
    ///   - nodeID: the node.
    /// - Returns: `true` when some bucket holds it.
    public func contains(_ nodeID: NodeID) -> Bool {
        locate(nodeID) != nil
    }

    /// Every bucket entry, nearest bucket first.
    public var entries: [Entry] {
        buckets.flatMap(\.entries)
    }

    /// The number of live entries.
    public var liveCount: Int {
        buckets.reduce(0) { $0 + $1.entries.count { $0.status == .live } }
    }

    /// The entries of one bucket.
    /// - Parameters:
    ///   - distance: the log-distance, `1...256`.
    /// - Returns: the bucket's entries; empty for a distance outside `1...256`.
    public func entries(atDistance distance: Int) -> [Entry] {
        guard (1...Self.bucketCount).contains(distance) else { return [] }
        return buckets[distance - 1].entries
    }

    /// The replacement cache of one bucket, oldest first.
    /// - Parameters:
    ///   - distance: the log-distance, `1...256`.
    /// - Returns: the waiting candidates; empty for a distance outside `1...256`.
    public func replacements(atDistance distance: Int) -> [Entry] {
        guard (1...Self.bucketCount).contains(distance) else { return [] }
        return buckets[distance - 1].replacements
    }

    /// The `count` entries closest to `target` by XOR distance, nearest first.
    ///
    /// Walks the buckets in distance order instead of sorting the table: with
    /// `t = logdistance(local, target)`, bucket `t` holds every node closer than `2^(t-1)` to
    /// the target, the buckets below `t` hold the nodes at exactly log-distance `t` from it, and
    /// each bucket `b > t` holds nodes at log-distance `b`. Only the groups needed are sorted.
    /// - Parameters:
    ///   - target: the identifier to measure from.
    ///   - count: how many entries at most.
    ///   - onlyLive: skip entries that have not passed a liveness check.
    /// - Returns: up to `count` entries, nearest first.
    public func closest(to target: NodeID, count: Int, onlyLive: Bool = true) -> [Entry] {
        guard count > 0 else { return [] }
        var result: [Entry] = []
        result.reserveCapacity(min(count, self.count))

        func appendNearestFirst(_ group: [Entry]) {
            let wanted = group.filter { !onlyLive || $0.status == .live }
            let sorted = wanted.sorted { target.distance(to: $0.nodeID) < target.distance(to: $1.nodeID) }
            result.append(contentsOf: sorted.prefix(count - result.count))
        }

        let targetDistance = localNodeID.logDistance(to: target)
        if targetDistance > 0 {
            appendNearestFirst(buckets[targetDistance - 1].entries)
        }
        if result.count < count && targetDistance > 1 {
            appendNearestFirst(buckets[0..<(targetDistance - 1)].flatMap(\.entries))
        }
        var distance = targetDistance + 1
        while result.count < count && distance <= Self.bucketCount {
            appendNearestFirst(buckets[distance - 1].entries)
            distance += 1
        }
        return result
    }

    /// The live records at the given log-distances, for answering FINDNODE.
    ///
    /// Distance 0 (our own record) and anything outside `1...256` is skipped: the caller adds
    /// the local record itself when asked for distance 0. Repeated distances count once.
    /// - Parameters:
    ///   - distances: the requested log-distances, in the order to serve them.
    ///   - limit: the maximum number of records (16 in the reference implementations).
    /// - Returns: up to `limit` records of live nodes.
    public func nodes(atDistances distances: [Int], limit: Int) -> [ENR] {
        var result: [ENR] = []
        var served = Set<Int>()
        for distance in distances where result.count < limit {
            guard (1...Self.bucketCount).contains(distance), served.insert(distance).inserted else { continue }
            for entry in buckets[distance - 1].entries where entry.status == .live {
                guard result.count < limit else { break }
                result.append(entry.record)
            }
        }
        return result
    }

    /// The live records at the given log-distances, as a FINDNODE carries them.
    /// - Parameters:
    ///   - distances: the requested log-distances (values above 256 are skipped).
    ///   - limit: the maximum number of records.
    /// - Returns: up to `limit` records of live nodes.
    public func nodes(atDistances distances: [UInt16], limit: Int) -> [ENR] {
        nodes(atDistances: distances.map(Int.init), limit: limit)
    }

    // MARK: Changes

    /// Offers a node to the table.
    /// - Parameters:
    ///   - record: the node's record (its signature is already verified by ``ENR``).
    ///   - endpoint: the address we talk to; `nil` takes the record's UDP endpoint. For an
    ///     inbound node pass the packet's source.
    ///   - origin: whether we found the node ourselves or it contacted us.
    ///   - now: the current time.
    /// - Returns: what happened; `.addedToReplacementCache(check:)` may ask for a PING.
    public mutating func insert(
        _ record: ENR,
        endpoint: NodeEndpoint? = nil,
        origin: Origin = .discovered,
        now: Discv5Instant
    ) -> InsertResult {
        let nodeID = record.nodeID
        let distance = localNodeID.logDistance(to: nodeID)
        guard distance > 0 else { return .rejected(.localNode) }
        let bucket = distance - 1

        if let index = buckets[bucket].entryIndex(of: nodeID) {
            return updateEntry(bucket: bucket, index: index, record: record, endpoint: endpoint)
        }
        if let index = buckets[bucket].replacementIndex(of: nodeID) {
            return updateReplacement(bucket: bucket, index: index, record: record, endpoint: endpoint)
        }

        guard let endpoint = endpoint ?? NodeEndpoint(record: record, preferIPv6: configuration.prefersIPv6) else {
            return .rejected(.noEndpoint)
        }
        if origin == .inbound && !isStocked {
            return .rejected(.inboundNotYetAdmitted)
        }
        let subnet = IPSubnet(address: endpoint.ip, configuration: configuration)
        if let reason = subnetRejection(subnet, bucket: bucket) {
            return .rejected(reason)
        }

        let entry = Entry(
            record: record,
            endpoint: endpoint,
            status: .unverified,
            origin: origin,
            lastSeen: now,
            lastChecked: nil,
            checkStartedAt: nil
        )
        if buckets[bucket].entries.count < configuration.bucketSize {
            add(entry, toBucket: bucket, subnet: subnet)
            return .inserted
        }

        buckets[bucket].replacements.append(entry)
        let overflow = buckets[bucket].replacements.count - max(configuration.replacementCacheSize, 0)
        if overflow > 0 {
            buckets[bucket].replacements.removeFirst(overflow)
        }
        return .addedToReplacementCache(check: startCheckOfLeastRecentlySeen(bucket: bucket, now: now))
    }

    /// Notes that a bucket entry was heard from (any valid packet), for the least-recently-seen
    /// order. It does not make the entry live: only a liveness result does.
    /// - Parameters:
    ///   - nodeID: the node.
    ///   - now: the current time.
    /// - Returns: `false` when no bucket holds the node.
    @discardableResult
    public mutating func markSeen(_ nodeID: NodeID, now: Discv5Instant) -> Bool {
        guard let (bucket, index) = locate(nodeID) else { return false }
        buckets[bucket].entries[index].lastSeen = max(buckets[bucket].entries[index].lastSeen, now)
        return true
    }

    /// Removes a node from its bucket (promoting a replacement) or from a replacement cache.
    /// - Parameters:
    ///   - nodeID: the node.
    /// - Returns: the removed entry, or `nil` when the table did not know the node.
    @discardableResult
    public mutating func remove(_ nodeID: NodeID) -> Entry? {
        let distance = localNodeID.logDistance(to: nodeID)
        guard distance > 0 else { return nil }
        let bucket = distance - 1
        if let index = buckets[bucket].entryIndex(of: nodeID) {
            let removed = removeEntry(bucket: bucket, index: index)
            _ = promoteReplacement(bucket: bucket)
            return removed
        }
        if let index = buckets[bucket].replacementIndex(of: nodeID) {
            return buckets[bucket].replacements.remove(at: index)
        }
        return nil
    }

    // MARK: Liveness

    /// When the next liveness check falls due, for the caller's timer.
    /// - Returns: the earliest due time of any entry, or `nil` for an empty table. A time in the
    ///   past means a check is due now.
    public func nextLivenessDeadline() -> Discv5Instant? {
        var earliest: Discv5Instant?
        for bucket in buckets {
            for entry in bucket.entries {
                let due = checkDue(entry)
                if earliest.map({ due < $0 }) ?? true { earliest = due }
            }
        }
        return earliest
    }

    /// Hands out the node to ping next, if any is due, and marks its check as outstanding.
    ///
    /// Order: never-checked entries first, then the oldest check. A live entry is due
    /// ``RoutingTableConfiguration/livenessCheckInterval`` after its last check; an outstanding
    /// check is handed out again after ``RoutingTableConfiguration/livenessCheckTimeout``.
    /// Scans the table (at most 4096 entries); call it when ``nextLivenessDeadline()`` passes.
    /// - Parameters:
    ///   - now: the current time.
    /// - Returns: the node to ping, or `nil` when nothing is due.
    public mutating func nextLivenessCheck(now: Discv5Instant) -> LivenessCheck? {
        var best: (bucket: Int, index: Int, due: Discv5Instant)?
        for bucket in buckets.indices {
            for (index, entry) in buckets[bucket].entries.enumerated() {
                let due = checkDue(entry)
                guard due <= now else { continue }
                if best.map({ due < $0.due }) ?? true { best = (bucket, index, due) }
            }
        }
        guard let best else { return nil }
        buckets[best.bucket].entries[best.index].checkStartedAt = now
        return LivenessCheck(buckets[best.bucket].entries[best.index])
    }

    /// Reports the outcome of a liveness check (or of any request that counts as one: a
    /// response proves the node alive, a timeout after the handshake proves nothing better).
    /// - Parameters:
    ///   - nodeID: the node that was checked.
    ///   - alive: whether it answered at its stored endpoint.
    ///   - now: the current time.
    /// - Returns: what changed; a failed node is evicted and the newest fitting replacement
    ///   takes its place.
    @discardableResult
    public mutating func recordLivenessResult(_ nodeID: NodeID, alive: Bool, now: Discv5Instant) -> LivenessOutcome {
        guard let (bucket, index) = locate(nodeID) else { return .unknownNode }
        guard alive else {
            _ = removeEntry(bucket: bucket, index: index)
            return .evicted(promoted: promoteReplacement(bucket: bucket))
        }
        let wasLive = buckets[bucket].entries[index].status == .live
        buckets[bucket].entries[index].status = .live
        buckets[bucket].entries[index].lastChecked = now
        buckets[bucket].entries[index].lastSeen = max(buckets[bucket].entries[index].lastSeen, now)
        buckets[bucket].entries[index].checkStartedAt = nil
        if !isStocked && buckets[bucket].entries[index].origin == .discovered {
            let liveDiscovered = buckets.reduce(0) { total, bucket in
                total + bucket.entries.count { $0.status == .live && $0.origin == .discovered }
            }
            isStocked = liveDiscovered >= configuration.inboundAdmissionThreshold
        }
        return wasLive ? .stillLive : .becameLive
    }

    // MARK: Internals

    private func locate(_ nodeID: NodeID) -> (bucket: Int, index: Int)? {
        let distance = localNodeID.logDistance(to: nodeID)
        guard distance > 0, let index = buckets[distance - 1].entryIndex(of: nodeID) else { return nil }
        return (distance - 1, index)
    }

    /// When an entry's next check is due: at once if never checked, after the timeout if one
    /// is outstanding, else one interval after the last pass.
    private func checkDue(_ entry: Entry) -> Discv5Instant {
        if let started = entry.checkStartedAt {
            return started + configuration.livenessCheckTimeout
        }
        if let checked = entry.lastChecked {
            return checked + configuration.livenessCheckInterval
        }
        return .zero
    }

    /// Whether one more entry of `subnet` would break a limit in `bucket` or in the table.
    private func subnetRejection(_ subnet: IPSubnet?, bucket: Int) -> RejectionReason? {
        guard let subnet else { return nil }
        if buckets[bucket].entryCount(in: subnet, configuration: configuration)
            >= configuration.maximumNodesPerSubnetInBucket
        {
            return .bucketSubnetLimit
        }
        if tableSubnetCounts[subnet, default: 0] >= configuration.maximumNodesPerSubnetInTable {
            return .tableSubnetLimit
        }
        return nil
    }

    private mutating func add(_ entry: Entry, toBucket bucket: Int, subnet: IPSubnet?) {
        buckets[bucket].entries.append(entry)
        count += 1
        if let subnet { tableSubnetCounts[subnet, default: 0] += 1 }
    }

    private mutating func removeEntry(bucket: Int, index: Int) -> Entry {
        let entry = buckets[bucket].entries.remove(at: index)
        count -= 1
        releaseSubnet(of: entry.endpoint)
        return entry
    }

    private mutating func releaseSubnet(of endpoint: NodeEndpoint) {
        guard let subnet = IPSubnet(address: endpoint.ip, configuration: configuration) else { return }
        let remaining = tableSubnetCounts[subnet, default: 0] - 1
        tableSubnetCounts[subnet] = remaining > 0 ? remaining : nil
    }

    /// Moves the newest replacement that fits the IP limits into a bucket with room.
    private mutating func promoteReplacement(bucket: Int) -> NodeID? {
        guard buckets[bucket].entries.count < configuration.bucketSize else { return nil }
        for index in buckets[bucket].replacements.indices.reversed() {
            let candidate = buckets[bucket].replacements[index]
            let subnet = IPSubnet(address: candidate.endpoint.ip, configuration: configuration)
            guard subnetRejection(subnet, bucket: bucket) == nil else { continue }
            var promoted = buckets[bucket].replacements.remove(at: index)
            promoted.status = .unverified
            promoted.lastChecked = nil
            promoted.checkStartedAt = nil
            add(promoted, toBucket: bucket, subnet: subnet)
            return promoted.nodeID
        }
        return nil
    }

    /// Marks the full bucket's least-recently-seen entry as being checked, unless a check of it
    /// is already outstanding.
    private mutating func startCheckOfLeastRecentlySeen(bucket: Int, now: Discv5Instant) -> LivenessCheck? {
        guard let index = buckets[bucket].leastRecentlySeenIndex else { return nil }
        let entry = buckets[bucket].entries[index]
        if let started = entry.checkStartedAt, now < started + configuration.livenessCheckTimeout {
            return nil
        }
        buckets[bucket].entries[index].checkStartedAt = now
        return LivenessCheck(buckets[bucket].entries[index])
    }

    /// Applies a record for a node already in a bucket.
    private mutating func updateEntry(bucket: Int, index: Int, record: ENR, endpoint: NodeEndpoint?) -> InsertResult {
        var entry = buckets[bucket].entries[index]
        guard record.seq >= entry.record.seq else { return .unchanged }
        let newer = record.seq > entry.record.seq
        let newEndpoint = resolvedEndpoint(explicit: endpoint, stored: entry, newRecord: newer ? record : nil)
        if newEndpoint != entry.endpoint {
            let oldSubnet = IPSubnet(address: entry.endpoint.ip, configuration: configuration)
            let newSubnet = IPSubnet(address: newEndpoint.ip, configuration: configuration)
            if newSubnet != oldSubnet, let reason = subnetRejection(newSubnet, bucket: bucket) {
                return .rejected(reason)
            }
            releaseSubnet(of: entry.endpoint)
            if let newSubnet { tableSubnetCounts[newSubnet, default: 0] += 1 }
            entry.endpoint = newEndpoint
            entry.status = .unverified
            entry.lastChecked = nil
            entry.checkStartedAt = nil
        } else if !newer {
            return .unchanged
        }
        if newer { entry.record = record }
        buckets[bucket].entries[index] = entry
        return .updated
    }

    /// Applies a record for a node waiting in a replacement cache; the limits are checked again
    /// on promotion.
    private mutating func updateReplacement(
        bucket: Int,
        index: Int,
        record: ENR,
        endpoint: NodeEndpoint?
    ) -> InsertResult {
        var entry = buckets[bucket].replacements[index]
        guard record.seq >= entry.record.seq else { return .unchanged }
        let newer = record.seq > entry.record.seq
        let newEndpoint = resolvedEndpoint(explicit: endpoint, stored: entry, newRecord: newer ? record : nil)
        guard newer || newEndpoint != entry.endpoint else { return .unchanged }
        if newer { entry.record = record }
        entry.endpoint = newEndpoint
        buckets[bucket].replacements[index] = entry
        return .updated
    }

    /// The endpoint after an update: the caller's if given; else the new record's when it
    /// advertises a different one than the stored record did; else the stored one (which may
    /// be an observed address that differs from the record's, behind a NAT).
    private func resolvedEndpoint(explicit: NodeEndpoint?, stored: Entry, newRecord: ENR?) -> NodeEndpoint {
        if let explicit { return explicit }
        guard let newRecord,
            let advertised = NodeEndpoint(record: newRecord, preferIPv6: configuration.prefersIPv6),
            advertised != NodeEndpoint(record: stored.record, preferIPv6: configuration.prefersIPv6)
        else { return stored.endpoint }
        return advertised
    }
}
