// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import ENR
import Testing

@Suite struct NodesResponseCollectorTests {
    private let peer = TestNodes.pool[0].nodeID

    /// Pool records at the given distance from the peer.
    private func records(atDistance distance: Int) -> [ENR] {
        TestNodes.pool.filter { peer.logDistance(to: $0.nodeID) == distance }
    }

    @Test func collectsUntilTheAnnouncedTotal() {
        let valid = records(atDistance: 256)
        var collector = NodesResponseCollector(peer: peer, askedDistances: [256])
        #expect(collector.receive(total: 3, records: [valid[0]]) == .expectingMore(remaining: 2))
        // Later packets' totals do not count.
        #expect(collector.receive(total: 9, records: [valid[1], valid[2]]) == .expectingMore(remaining: 1))
        #expect(!collector.isComplete)
        #expect(collector.receive(total: 1, records: []) == .complete)
        #expect(collector.isComplete)
        #expect(collector.records == Array(valid.prefix(3)))
        #expect(collector.receive(total: 3, records: [valid[3]]) == .ignored)
        #expect(collector.records.count == 3)
    }

    @Test func totalOfZeroCountsAsOne() {
        var collector = NodesResponseCollector(peer: peer, askedDistances: [256])
        #expect(collector.receive(total: 0, records: []) == .complete)
        #expect(collector.expectedCount == 1)
    }

    @Test func acceptsSixteenPackets() {
        var collector = NodesResponseCollector(peer: peer, askedDistances: [256])
        #expect(collector.receive(total: 16, records: []) == .expectingMore(remaining: 15))
        for _ in 2...15 { _ = collector.receive(total: 16, records: []) }
        #expect(collector.receive(total: 16, records: []) == .complete)
        #expect(collector.receivedCount == 16)
    }

    @Test func rejectsPacketsBeyondSixteen() {
        var collector = NodesResponseCollector(peer: peer, askedDistances: [256])
        #expect(collector.receive(total: 17, records: []) == .expectingMore(remaining: 15))
        #expect(collector.expectedCount == NodesResponseCollector.maximumResponseCount)
        for _ in 2...16 { _ = collector.receive(total: 17, records: []) }
        #expect(collector.isComplete)
        #expect(collector.receive(total: 17, records: [records(atDistance: 256)[0]]) == .ignored)
        #expect(collector.records.isEmpty)
        var huge = NodesResponseCollector(peer: peer, askedDistances: [256])
        #expect(huge.receive(total: .max, records: []) == .expectingMore(remaining: 15))
    }

    @Test func dropsRecordsAtDistancesNotAsked() {
        let asked = records(atDistance: 255)
        let other = records(atDistance: 256)
        var collector = NodesResponseCollector(peer: peer, askedDistances: [255, 254])
        #expect(collector.receive(total: 1, records: [other[0], asked[0], other[1]]) == .complete)
        #expect(collector.records == [asked[0]])
        #expect(collector.rejectedRecordCount == 2)
    }

    @Test func distanceZeroMeansThePeerItself() {
        var collector = NodesResponseCollector(peer: peer, askedDistances: [0])
        _ = collector.receive(total: 1, records: [TestNodes.pool[0], TestNodes.pool[1]])
        #expect(collector.records == [TestNodes.pool[0]])
        #expect(collector.rejectedRecordCount == 1)
    }

    @Test func keepsTheNewestRecordOfANode() throws {
        let key = try TestNodes.key(seed: 0x5EED_0000 + 1)
        let older = TestNodes.pool[1]
        let newer = try TestNodes.record(key: key, ip: older.ip!.bytes, seq: 9)
        let distance = UInt16(peer.logDistance(to: older.nodeID))
        var collector = NodesResponseCollector(peer: peer, askedDistances: [distance])
        _ = collector.receive(total: 2, records: [older])
        _ = collector.receive(total: 2, records: [newer, older])
        #expect(collector.records == [newer])
    }
}
