// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import TestSupport
import Testing

@testable import Discv5Core

@Suite("Hostile input and internals")
struct RobustnessTests {
    let a = TestNode(seed: 1, port: 30001)
    let b = TestNode(seed: 2, port: 30002)

    @Test func randomDatagramsAreCountedAndDropped() {
        var random = SplitMix64(seed: 42)
        let machine = b.machine(seed: 2)
        let source = a.endpoint
        for _ in 0..<2000 {
            let size = Int.random(in: 0...1400, using: &random)
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &random) }
            machine.handleDatagram(bytes, from: source, now: .zero)
        }
        #expect(machine.metrics.datagramsReceived == 2000)
        #expect(machine.metrics.decodeFailed == 2000)
        #expect(machine.nextAction() == nil)
    }

    @Test func mutatedValidPacketsNeverCrashAndAreAllAccountedFor() {
        var random = SplitMix64(seed: 43)
        let (network, _, _) = TestNetwork.pair(a, b, established: true)
        // Valid datagrams of every kind that flowed, mutated and replayed at B.
        let samples = network.sent.map(\.bytes)
        let victim = b.machine(seed: 3)
        var handled: UInt64 = 0
        for round in 0..<1500 {
            var bytes = samples[round % samples.count]
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] ^= UInt8.random(in: 1...255, using: &random)
            case 1:
                bytes.removeLast(Int.random(in: 0..<min(40, bytes.count), using: &random))
            default:
                bytes.append(contentsOf: (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8(round & 0xFF) })
            }
            victim.handleDatagram(bytes, from: a.endpoint, now: .ms(UInt64(round)))
            handled += 1
            while victim.nextAction() != nil {}
        }
        let metrics = victim.metrics
        #expect(metrics.datagramsReceived == handled)
        // Every datagram ends in exactly one bucket: dropped for a reason, or answered with
        // (or rate-limited from) a WHOAREYOU.
        #expect(metrics.dropped + metrics.undecryptable - metrics.rateLimited == handled)
        #expect(metrics.sessionsEstablished == 0)
    }

    @Test func whoAreYouIsRateLimitedPerSourceIP() {
        var configuration = Discv5Configuration()
        configuration.whoAreYouRateLimit = .init(burst: 3, refillInterval: .seconds(1), maximumTrackedKeys: 16)
        let network = TestNetwork()
        let machineB = b.machine(configuration: configuration, seed: 2)
        network.add(machineB, at: b.endpoint)
        // Ten different nodes behind one IP each send a packet B cannot decrypt.
        for index in 0..<10 {
            let node = TestNode(seed: UInt8(50 + index), port: UInt16(32000 + index))
            let machine = node.machine(seed: UInt64(index))
            network.add(machine, at: node.endpoint)
            machine.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
            network.pump()
            for datagram in network.takeQueue() { network.deliver(datagram) }
            _ = network.takeQueue()
        }
        #expect(machineB.metrics.undecryptable == 10)
        #expect(machineB.metrics.rateLimited == 7)
        // One second later one more token is available.
        network.now = .ms(1000)
        let late = TestNode(seed: 70, port: 33000)
        let machine = late.machine(seed: 70)
        network.add(machine, at: late.endpoint)
        machine.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineB.metrics.rateLimited == 7)
        #expect(network.responses(at: late.endpoint).count == 1)
    }

    @Test func sessionCacheIsLRU() throws {
        var cache = SessionCache(capacity: 2, idleTimeout: .seconds(60))
        func address(_ port: UInt16) -> NodeAddress {
            NodeAddress(nodeID: a.nodeID, endpoint: NodeEndpoint(ip: IPAddress("127.0.0.1")!, port: port))
        }
        func session() throws -> Session {
            try Session(
                remoteID: a.nodeID,
                readKey: [UInt8](repeating: 1, count: 16),
                writeKey: [UInt8](repeating: 2, count: 16),
                record: nil,
                tableEligible: false,
                now: .zero
            )
        }
        cache.insert(try session(), for: address(1))
        cache.insert(try session(), for: address(2))
        #expect(cache.session(for: address(1), now: .ms(1)) != nil)  // 1 is now most recent
        let evicted = cache.insert(try session(), for: address(3))
        #expect(evicted == address(2))
        #expect(cache.peek(address(1)) != nil)
        #expect(cache.peek(address(2)) == nil)
        // Idle expiry.
        #expect(cache.session(for: address(3), now: .ms(60_000)) == nil)
        #expect(cache.count == 1)
    }

    @Test func aPeerThatCameOnceLosesItsSessionWithinMinutesWhileATablePeerKeepsIt() {
        // A table peer is checked every liveness interval (and checks us as often): its session
        // must outlive the gap between two checks.
        let interval = RoutingTableConfiguration.defaultLivenessCheckInterval
        #expect(Discv5Configuration.defaultSessionIdleTimeout > interval)
        let c = TestNode(seed: 3, port: 30003)
        let network = TestNetwork()
        let machineA = a.machine(seed: 1)
        let machineB = b.machine(seed: 2)
        let machineC = c.machine(seed: 3)
        network.add(machineA, at: a.endpoint)
        network.add(machineB, at: b.endpoint)
        network.add(machineC, at: c.endpoint)
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        machineC.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineB.sessionCount == 2)
        // C talks to B once per liveness interval, like a table peer; A came once (a client
        // fetching a value) and never again.
        for check in 1...2 {
            network.advance(to: .zero + interval * check)
            machineC.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
            network.run()
        }
        #expect(network.responses(at: c.endpoint).count == 3)
        // Eleven minutes after A's last packet, past the once-a-minute sweep: A's session is gone.
        network.advance(to: .zero + .seconds(11 * 60 + 1))
        #expect(machineB.sessionCount == 1)
        #expect(machineB.hasSession(with: c.nodeID, at: c.endpoint, now: network.now))
        #expect(!machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
    }

    @Test func sessionNoncesCarryTheCounterAndStopAtItsEnd() throws {
        let session = try Session(
            remoteID: a.nodeID,
            readKey: [UInt8](repeating: 1, count: 16),
            writeKey: [UInt8](repeating: 2, count: 16),
            record: nil,
            tableEligible: false,
            now: .zero
        )
        var random = SplitMix64(seed: 1)
        let first = session.nextNonce(using: &random)
        let second = session.nextNonce(using: &random)
        #expect(first?.prefix(4) == [0, 0, 0, 0])
        #expect(second?.prefix(4) == [0, 0, 0, 1])
        session.setSentCountForTesting(Session.maximumMessages - 1)
        #expect(session.nextNonce(using: &random)?.prefix(4) == [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(session.nextNonce(using: &random) == nil)
        #expect(session.isExhausted)
    }

    @Test func exhaustedSessionIsReplacedByANewHandshake() throws {
        let (network, machineA, _) = TestNetwork.pair(a, b, established: true)
        let address = NodeAddress(nodeID: b.nodeID, endpoint: b.endpoint)
        machineA.sessions.peek(address)?.setSentCountForTesting(Session.maximumMessages)
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineA.metrics.sessionsExhausted == 1)
        #expect(network.sessionEvents(at: a.endpoint).count == 2)
        #expect(network.responses(at: a.endpoint).count == 2)
    }

    @Test func deadlineHeapOrdersEntries() {
        var heap = DeadlineHeap()
        var random = SplitMix64(seed: 5)
        var values: [UInt64] = []
        for index in 0..<200 {
            let value = UInt64.random(in: 0...1000, using: &random)
            values.append(value)
            heap.push(
                .init(deadline: Discv5Instant(nanoseconds: value), handle: RequestHandle(rawValue: UInt64(index)))
            )
        }
        var popped: [UInt64] = []
        while let entry = heap.popMinimum() { popped.append(entry.deadline.nanoseconds) }
        #expect(popped == values.sorted())
    }
}
