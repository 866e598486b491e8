// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import TestSupport
import Testing

@Suite struct RoutingTableTests {
    private let local = NodeID(
        words: (0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, 0x0F0F_0F0F_0F0F_0F0F, 0xF0F0_F0F0_F0F0_F0F0)
    )
    private let start = Discv5Instant(nanoseconds: 1_000_000_000)

    /// Inserts records and lets every one pass its first liveness check.
    private func liveTable(
        _ records: [ENR],
        configuration: RoutingTableConfiguration = .init(),
        localID: NodeID? = nil
    ) -> RoutingTable {
        var table = RoutingTable(localNodeID: localID ?? local, configuration: configuration)
        for record in records { _ = table.insert(record, now: start) }
        // Past the check timeout, so checks handed out by full buckets are offered again too.
        let later = start.advanced(bySeconds: 20)
        while let check = table.nextLivenessCheck(now: later) {
            table.recordLivenessResult(check.nodeID, alive: true, now: later)
        }
        return table
    }

    // MARK: Placement and k

    @Test func placesNodesInTheBucketOfTheirLogDistance() {
        var table = RoutingTable(localNodeID: local)
        for record in TestNodes.pool.prefix(40) {
            _ = table.insert(record, now: start)
        }
        for distance in 1...256 {
            for entry in table.entries(atDistance: distance) {
                #expect(local.logDistance(to: entry.nodeID) == distance)
            }
        }
        #expect(table.entries(atDistance: 0).isEmpty)
        #expect(table.entries(atDistance: 257).isEmpty)
        #expect(table.count == table.entries.count)
    }

    @Test func rejectsTheLocalNode() throws {
        let record = TestNodes.pool[0]
        var table = RoutingTable(localNodeID: record.nodeID)
        #expect(table.insert(record, now: start) == .rejected(.localNode))
        #expect(table.count == 0)
    }

    @Test func bucketHoldsAtMostSixteenEntries() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        #expect(far.count > 30)
        var table = RoutingTable(localNodeID: local)
        for (index, record) in far.prefix(16).enumerated() {
            #expect(table.insert(record, now: start.advanced(byMilliseconds: Int64(index))) == .inserted)
        }
        #expect(table.entries(atDistance: 256).count == 16)
        guard case .addedToReplacementCache = table.insert(far[16], now: start) else {
            Issue.record("the 17th node should wait in the replacement cache")
            return
        }
        #expect(table.entries(atDistance: 256).count == 16)
        #expect(table.replacements(atDistance: 256).map(\.nodeID) == [far[16].nodeID])
    }

    @Test func replacementCacheKeepsTheTenNewest() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = RoutingTable(localNodeID: local)
        for record in far.prefix(28) { _ = table.insert(record, now: start) }
        let waiting = table.replacements(atDistance: 256).map(\.nodeID)
        #expect(waiting == far[18..<28].map(\.nodeID))
    }

    // MARK: Liveness

    @Test func newNodeIsNotServedUntilItsLivenessCheckPasses() throws {
        let record = TestNodes.pool[0]
        let distance = local.logDistance(to: record.nodeID)
        var table = RoutingTable(localNodeID: local)
        #expect(table.insert(record, now: start) == .inserted)
        #expect(table.entry(for: record.nodeID)?.status == .unverified)
        #expect(table.nodes(atDistances: [distance], limit: 16).isEmpty)
        #expect(table.closest(to: record.nodeID, count: 16).isEmpty)
        #expect(table.closest(to: record.nodeID, count: 16, onlyLive: false).map(\.nodeID) == [record.nodeID])

        let offered = table.nextLivenessCheck(now: start)
        let check = try #require(offered)
        #expect(check.nodeID == record.nodeID)
        #expect(check.endpoint == NodeEndpoint(record: record))
        #expect(table.nextLivenessCheck(now: start) == nil)  // already outstanding
        #expect(table.recordLivenessResult(record.nodeID, alive: true, now: start) == .becameLive)
        #expect(table.nodes(atDistances: [distance], limit: 16) == [record])
        #expect(table.liveCount == 1)
    }

    @Test func liveNodeIsCheckedAgainAfterTheInterval() throws {
        let record = TestNodes.pool[0]
        var table = RoutingTable(localNodeID: local)
        _ = table.insert(record, now: start)
        _ = table.nextLivenessCheck(now: start)
        table.recordLivenessResult(record.nodeID, alive: true, now: start)

        let due = start + RoutingTableConfiguration.defaultLivenessCheckInterval
        #expect(table.nextLivenessDeadline() == due)
        #expect(table.nextLivenessCheck(now: due.advanced(byMilliseconds: -1)) == nil)
        #expect(table.nextLivenessCheck(now: due)?.nodeID == record.nodeID)
        #expect(table.recordLivenessResult(record.nodeID, alive: true, now: due) == .stillLive)
    }

    @Test func lostCheckIsOfferedAgainAfterTheTimeout() {
        let record = TestNodes.pool[0]
        var table = RoutingTable(localNodeID: local)
        _ = table.insert(record, now: start)
        _ = table.nextLivenessCheck(now: start)
        let timeout = start + RoutingTableConfiguration.defaultLivenessCheckTimeout
        #expect(table.nextLivenessCheck(now: timeout.advanced(byMilliseconds: -1)) == nil)
        #expect(table.nextLivenessCheck(now: timeout)?.nodeID == record.nodeID)
    }

    @Test func neverCheckedNodesComeBeforeOldChecks() {
        var table = RoutingTable(localNodeID: local)
        let first = TestNodes.pool[0]
        let second = TestNodes.pool[1]
        _ = table.insert(first, now: start)
        _ = table.nextLivenessCheck(now: start)
        table.recordLivenessResult(first.nodeID, alive: true, now: start)
        let much = start.advanced(bySeconds: 3600)
        _ = table.insert(second, now: much)
        #expect(table.nextLivenessCheck(now: much)?.nodeID == second.nodeID)
        #expect(table.nextLivenessCheck(now: much)?.nodeID == first.nodeID)
    }

    @Test func fullBucketAsksToCheckTheLeastRecentlySeenEntry() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = RoutingTable(localNodeID: local)
        for (index, record) in far.prefix(16).enumerated() {
            _ = table.insert(record, now: start.advanced(byMilliseconds: Int64(index)))
        }
        // The first entry is heard from again, so the second is now the least recently seen.
        table.markSeen(far[0].nodeID, now: start.advanced(bySeconds: 1))
        let result = table.insert(far[16], now: start.advanced(bySeconds: 2))
        guard case .addedToReplacementCache(let check?) = result else {
            Issue.record("expected a check request, got \(result)")
            return
        }
        #expect(check.nodeID == far[1].nodeID)
        #expect(check.record == far[1])
        #expect(check.endpoint == NodeEndpoint(record: far[1]))
        // A second candidate while that check is outstanding asks for no second PING.
        #expect(table.insert(far[17], now: start.advanced(bySeconds: 2)) == .addedToReplacementCache(check: nil))
    }

    @Test func failedCheckEvictsAndPromotesTheNewestReplacement() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = liveTable(Array(far.prefix(16)))
        _ = table.insert(far[16], now: start)
        _ = table.insert(far[17], now: start)
        let outcome = table.recordLivenessResult(far[3].nodeID, alive: false, now: start)
        #expect(outcome == .evicted(promoted: far[17].nodeID))
        #expect(!table.contains(far[3].nodeID))
        #expect(table.entry(for: far[17].nodeID)?.status == .unverified)
        #expect(table.replacements(atDistance: 256).map(\.nodeID) == [far[16].nodeID])
        #expect(table.count == 16)
    }

    @Test func passedCheckKeepsTheOldEntryAndTheCandidateWaits() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = liveTable(Array(far.prefix(16)))
        guard case .addedToReplacementCache(let check?) = table.insert(far[16], now: start.advanced(bySeconds: 30))
        else {
            Issue.record("expected a check request")
            return
        }
        #expect(table.recordLivenessResult(check.nodeID, alive: true, now: start.advanced(bySeconds: 31)) == .stillLive)
        #expect(table.contains(check.nodeID))
        #expect(!table.contains(far[16].nodeID))
        #expect(table.replacements(atDistance: 256).map(\.nodeID) == [far[16].nodeID])
    }

    @Test func failedCheckWithoutReplacementsJustEvicts() {
        let record = TestNodes.pool[0]
        var table = liveTable([record])
        #expect(table.recordLivenessResult(record.nodeID, alive: false, now: start) == .evicted(promoted: nil))
        #expect(table.count == 0)
        #expect(table.recordLivenessResult(record.nodeID, alive: true, now: start) == .unknownNode)
    }

    @Test func removePromotesAReplacement() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = liveTable(Array(far.prefix(16)))
        _ = table.insert(far[16], now: start)
        #expect(table.remove(far[0].nodeID)?.nodeID == far[0].nodeID)
        #expect(table.contains(far[16].nodeID))
        #expect(table.remove(far[0].nodeID) == nil)
        #expect(table.count == 16)
    }

    // MARK: Records

    @Test func newerRecordReplacesTheStoredOne() throws {
        let key = try TestNodes.key(seed: 77)
        let v1 = try TestNodes.record(key: key, ip: [44, 9, 9, 9], seq: 1)
        let v2 = try TestNodes.record(key: key, ip: [44, 9, 9, 9], seq: 2)
        var table = liveTable([v1])
        #expect(table.insert(v2, now: start) == .updated)
        #expect(table.entry(for: v1.nodeID)?.record.seq == 2)
        // Same endpoint: still live.
        #expect(table.entry(for: v1.nodeID)?.status == .live)
        #expect(table.insert(v1, now: start) == .unchanged)
        #expect(table.insert(v2, now: start) == .unchanged)
        #expect(table.entry(for: v1.nodeID)?.record.seq == 2)
    }

    @Test func newerRecordWithNewEndpointNeedsANewCheck() throws {
        let key = try TestNodes.key(seed: 78)
        let v1 = try TestNodes.record(key: key, ip: [44, 9, 9, 9], seq: 1)
        let v2 = try TestNodes.record(key: key, ip: [44, 9, 10, 9], seq: 2)
        var table = liveTable([v1])
        #expect(table.insert(v2, now: start) == .updated)
        let entry = try #require(table.entry(for: v1.nodeID))
        #expect(entry.endpoint == NodeEndpoint(record: v2))
        #expect(entry.status == .unverified)
    }

    @Test func newerRecordUpdatesAWaitingReplacement() throws {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        var table = liveTable(Array(far.prefix(16)))
        let key = try TestNodes.key(seed: 0x5EED_0000 + UInt64(TestNodes.pool.firstIndex(of: far[16])!))
        let newer = try TestNodes.record(key: key, ip: far[16].ip!.bytes, seq: 5)
        _ = table.insert(far[16], now: start)
        #expect(table.insert(newer, now: start) == .updated)
        #expect(table.replacements(atDistance: 256).first?.record.seq == 5)
    }

    @Test func rejectsRecordWithoutEndpoint() throws {
        let record = try ENRBuilder(seq: 1).sign(with: TestNodes.key(seed: 5))
        var table = RoutingTable(localNodeID: local)
        #expect(table.insert(record, now: start) == .rejected(.noEndpoint))
        let observed = NodeEndpoint(ip: IPAddress("44.1.1.1")!, port: 9000)
        #expect(table.insert(record, endpoint: observed, now: start) == .inserted)
        #expect(table.entry(for: record.nodeID)?.endpoint == observed)
    }

    // MARK: IP limits

    @Test func acceptsSecondNodeInSameSlash24() throws {
        let records = try TestNodes.records(count: 2, atDistance: 256, from: local, firstSeed: 1000) {
            [44, 50, 60, UInt8(10 + $0)]
        }
        var table = RoutingTable(localNodeID: local)
        #expect(table.insert(records[0], now: start) == .inserted)
        #expect(table.insert(records[1], now: start) == .inserted)
    }

    @Test func rejectsThirdNodeInSameSlash24InBucket() throws {
        let records = try TestNodes.records(count: 3, atDistance: 256, from: local, firstSeed: 1000) {
            [44, 50, 60, UInt8(10 + $0)]
        }
        var table = RoutingTable(localNodeID: local)
        _ = table.insert(records[0], now: start)
        _ = table.insert(records[1], now: start)
        #expect(table.insert(records[2], now: start) == .rejected(.bucketSubnetLimit))
        // The next /24 is a different subnet.
        let other = try TestNodes.records(count: 1, atDistance: 256, from: local, firstSeed: 2000) { _ in
            [44, 50, 61, 10]
        }
        #expect(table.insert(other[0], now: start) == .inserted)
    }

    @Test func thirdNodeInSameSlash24IsAcceptedInAnotherBucket() throws {
        let near = try TestNodes.records(count: 2, atDistance: 256, from: local, firstSeed: 1000) {
            [44, 50, 60, UInt8(10 + $0)]
        }
        let other = try TestNodes.records(count: 1, atDistance: 255, from: local, firstSeed: 3000) { _ in
            [44, 50, 60, 99]
        }
        var table = RoutingTable(localNodeID: local)
        _ = table.insert(near[0], now: start)
        _ = table.insert(near[1], now: start)
        #expect(table.insert(other[0], now: start) == .inserted)
    }

    @Test func acceptsTenthNodeInSameSlash24InTable() throws {
        let config = RoutingTableConfiguration(maximumNodesPerSubnetInBucket: 16)
        var table = RoutingTable(localNodeID: local, configuration: config)
        for index in 0..<10 {
            let record = try TestNodes.record(seed: 4000 + UInt64(index), ip: [44, 70, 80, UInt8(index + 1)])
            #expect(table.insert(record, now: start) == .inserted)
        }
        #expect(table.count == 10)
    }

    @Test func rejectsEleventhNodeInSameSlash24InTable() throws {
        let config = RoutingTableConfiguration(maximumNodesPerSubnetInBucket: 16)
        var table = RoutingTable(localNodeID: local, configuration: config)
        for index in 0..<10 {
            let record = try TestNodes.record(seed: 4000 + UInt64(index), ip: [44, 70, 80, UInt8(index + 1)])
            _ = table.insert(record, now: start)
        }
        let eleventh = try TestNodes.record(seed: 4010, ip: [44, 70, 80, 200])
        #expect(table.insert(eleventh, now: start) == .rejected(.tableSubnetLimit))
        // Room frees up when one leaves.
        table.remove(table.entries[0].nodeID)
        #expect(table.insert(eleventh, now: start) == .inserted)
    }

    @Test func acceptsSecondNodeInSameSlash64() throws {
        let records = try TestNodes.records(count: 2, atDistance: 256, from: local, firstSeed: 5000) {
            [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2] + [UInt8](repeating: 0, count: 7) + [UInt8(1 + $0)]
        }
        var table = RoutingTable(localNodeID: local)
        #expect(table.insert(records[0], now: start) == .inserted)
        #expect(table.insert(records[1], now: start) == .inserted)
        #expect(table.entry(for: records[0].nodeID)?.endpoint.ip.isIPv6 == true)
    }

    @Test func rejectsThirdNodeInSameSlash64InBucket() throws {
        let records = try TestNodes.records(count: 3, atDistance: 256, from: local, firstSeed: 5000) {
            [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0xFF] + [UInt8](repeating: 0, count: 6) + [UInt8(1 + $0)]
        }
        var table = RoutingTable(localNodeID: local)
        _ = table.insert(records[0], now: start)
        _ = table.insert(records[1], now: start)
        #expect(table.insert(records[2], now: start) == .rejected(.bucketSubnetLimit))
        let other = try TestNodes.records(count: 1, atDistance: 256, from: local, firstSeed: 6000) { _ in
            [0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 3] + [UInt8](repeating: 0, count: 8)
        }
        #expect(table.insert(other[0], now: start) == .inserted)
    }

    @Test func rejectsEleventhNodeInSameSlash64InTable() throws {
        let config = RoutingTableConfiguration(maximumNodesPerSubnetInBucket: 16)
        var table = RoutingTable(localNodeID: local, configuration: config)
        let prefix: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 9]
        for index in 0..<10 {
            let ip = prefix + [UInt8(index)] + [UInt8](repeating: 0, count: 6) + [1]
            #expect(try table.insert(TestNodes.record(seed: 7000 + UInt64(index), ip: ip), now: start) == .inserted)
        }
        let ip = prefix + [UInt8](repeating: 0xAA, count: 8)
        #expect(try table.insert(TestNodes.record(seed: 7010, ip: ip), now: start) == .rejected(.tableSubnetLimit))
    }

    @Test func localAddressesAreExemptByDefault() throws {
        let records = try TestNodes.records(count: 3, atDistance: 256, from: local, firstSeed: 1000) {
            [192, 168, 1, UInt8(10 + $0)]
        }
        var table = RoutingTable(localNodeID: local)
        for record in records { #expect(table.insert(record, now: start) == .inserted) }

        var strict = RoutingTable(localNodeID: local, configuration: .init(exemptsLocalAddresses: false))
        _ = strict.insert(records[0], now: start)
        _ = strict.insert(records[1], now: start)
        #expect(strict.insert(records[2], now: start) == .rejected(.bucketSubnetLimit))
    }

    @Test func promotionSkipsReplacementsThatBreakTheSubnetLimit() throws {
        let config = RoutingTableConfiguration(bucketSize: 2)
        let records = try TestNodes.records(count: 4, atDistance: 256, from: local, firstSeed: 8000) { index in
            // Two entries in one /24; then a candidate from another /24; then one from the first.
            [[44, 1, 1, 1], [44, 1, 1, 2], [44, 2, 2, 2], [44, 3, 3, 3]][index]
        }
        var table = liveTable(Array(records.prefix(2)), configuration: config)
        _ = table.insert(records[2], now: start)
        _ = table.insert(records[3], now: start)
        #expect(
            table.recordLivenessResult(records[0].nodeID, alive: false, now: start)
                == .evicted(promoted: records[3].nodeID)
        )
    }

    @Test func inboundNodeKeepsTheObservedEndpoint() throws {
        var table = RoutingTable(localNodeID: local, configuration: .init(inboundAdmissionThreshold: 0))
        let record = TestNodes.pool[0]
        let observed = NodeEndpoint(ip: IPAddress("44.200.1.1")!, port: 40404)
        #expect(table.insert(record, endpoint: observed, origin: .inbound, now: start) == .inserted)
        // The same record learned from someone else's NODES does not move the endpoint.
        #expect(table.insert(record, now: start) == .unchanged)
        #expect(table.entry(for: record.nodeID)?.endpoint == observed)
        #expect(table.markSeen(record.nodeID, now: start.advanced(bySeconds: 5)) == true)
        #expect(table.entry(for: record.nodeID)?.lastSeen == start.advanced(bySeconds: 5))
        #expect(table.markSeen(TestNodes.pool[1].nodeID, now: start) == false)
    }

    // MARK: Inbound admission

    @Test func inboundNodesWaitUntilTheTableIsStocked() throws {
        var table = RoutingTable(localNodeID: local)
        let inbound = TestNodes.pool[399]
        #expect(table.insert(inbound, origin: .inbound, now: start) == .rejected(.inboundNotYetAdmitted))
        #expect(!table.isStocked)
        for record in TestNodes.pool.prefix(RoutingTableConfiguration.defaultInboundAdmissionThreshold) {
            _ = table.insert(record, now: start)
        }
        var passed = 0
        while let check = table.nextLivenessCheck(now: start) {
            #expect(!table.isStocked)
            table.recordLivenessResult(check.nodeID, alive: true, now: start)
            passed += 1
        }
        #expect(passed == RoutingTableConfiguration.defaultInboundAdmissionThreshold)
        #expect(table.isStocked)
        #expect(table.insert(inbound, origin: .inbound, now: start) == .inserted)
        #expect(table.entry(for: inbound.nodeID)?.origin == .inbound)
    }

    @Test func zeroThresholdAdmitsInboundNodesAtOnce() {
        var table = RoutingTable(localNodeID: local, configuration: .init(inboundAdmissionThreshold: 0))
        #expect(table.isStocked)
        #expect(table.insert(TestNodes.pool[0], origin: .inbound, now: start) == .inserted)
    }

    // MARK: Serving and closest

    @Test func nodesAtDistancesServesOnlyLiveEntriesUpToTheLimit() {
        let far = TestNodes.poolRecords(atDistance: 256, from: local)
        let mid = TestNodes.poolRecords(atDistance: 255, from: local)
        var table = liveTable(Array(far.prefix(10)) + Array(mid.prefix(10)))
        _ = table.insert(far[10], now: start)  // unverified
        let served = table.nodes(atDistances: [256, 255, 256, 0, 300], limit: 16)
        #expect(served.count == 16)
        #expect(Array(served.prefix(10)) == Array(far.prefix(10)))
        #expect(!served.contains(far[10]))
        #expect(table.nodes(atDistances: [UInt16(255)], limit: 16) == Array(mid.prefix(10)))
        #expect(table.nodes(atDistances: [1, 2, 3], limit: 16).isEmpty)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func closestMatchesBruteForce(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let localID = TestNodes.randomID(using: &rng)
        var table = liveTable(TestNodes.pool, configuration: .init(enforcesIPLimits: false), localID: localID)
        // Leave a few entries unverified to exercise the live filter.
        for record in TestNodes.pool.shuffled(using: &rng).prefix(30) {
            if table.recordLivenessResult(record.nodeID, alive: false, now: start) != .unknownNode {
                _ = table.insert(record, now: start)
            }
        }
        let all = table.entries
        #expect(all.count > 50)
        var targets = (0..<20).map { _ in TestNodes.randomID(using: &rng) }
        // Targets near the local node and near stored nodes take the other walk orders.
        targets += (0..<10).map { _ in TestNodes.flipping(localID, bit: Int.random(in: 0..<256, using: &rng)) }
        targets += all.prefix(5).map(\.nodeID) + [localID]
        for target in targets {
            for count in [1, 16, 40] {
                for onlyLive in [true, false] {
                    let expected = all.filter { !onlyLive || $0.status == .live }
                        .sorted { target.distance(to: $0.nodeID) < target.distance(to: $1.nodeID) }
                        .prefix(count).map(\.nodeID)
                    let actual = table.closest(to: target, count: count, onlyLive: onlyLive).map(\.nodeID)
                    #expect(actual == Array(expected), "target \(target) count \(count) live \(onlyLive)")
                }
            }
        }
        #expect(table.closest(to: localID, count: 0).isEmpty)
    }
}
