// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR
import Testing

@testable import Discv5Core

/// Each test pushes one configured limit past its bound and checks the bound and what happens
/// at it. The limits and their defaults are listed in SECURITY.md.
@Suite("Limits and floods of the protocol machine")
struct LimitsTests {
    let a = TestNode(seed: 1, port: 30001)
    let b = TestNode(seed: 2, port: 30002)

    // MARK: - Replay

    /// Sends a TALKREQ from A and returns its datagram without delivering it.
    private func talkPacket(
        _ network: TestNetwork,
        from machineA: Discv5Protocol,
        payload: UInt8
    ) -> TestNetwork.Datagram {
        machineA.sendRequest(
            .talk(protocol: Array("x".utf8), payload: [payload]),
            to: b.contact,
            mode: .noResponse,
            now: network.now
        )
        network.pump()
        let queued = network.takeQueue()
        #expect(queued.count == 1)
        return queued[0]
    }

    @Test func replayedOrdinaryMessageIsRejected() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        let talk = talkPacket(network, from: machineA, payload: 1)
        network.deliver(talk)
        network.deliver(talk)
        network.deliver(talk)
        #expect(network.talkRequests(at: b.endpoint).count == 1)
        #expect(machineB.metrics.replayed == 2)
        // A replay is dropped silently: no WHOAREYOU, no answer.
        #expect(network.takeQueue().isEmpty)
        // The session keeps working for new messages.
        network.deliver(talkPacket(network, from: machineA, payload: 2))
        #expect(network.talkRequests(at: b.endpoint).count == 2)
    }

    @Test func replayFilterRemembersExactlyItsWindow() {
        var configuration = Discv5Configuration()
        configuration.replayWindow = 8
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true, configurationB: configuration)
        let first = talkPacket(network, from: machineA, payload: 0)
        network.deliver(first)
        // Seven more messages: the first nonce is still among the last eight.
        for index in 1..<8 { network.deliver(talkPacket(network, from: machineA, payload: UInt8(index))) }
        network.deliver(first)
        #expect(machineB.metrics.replayed == 1)
        // The ninth pushes it out of the window: a replay that old is no longer recognised.
        network.deliver(talkPacket(network, from: machineA, payload: 8))
        network.deliver(first)
        #expect(machineB.metrics.replayed == 1)
        #expect(network.talkRequests(at: b.endpoint).count == 10)
    }

    @Test func replayFilterKeepsOnlyTheLastNonces() {
        var filter = ReplayFilter(capacity: 4)
        let nonces = (0..<10).map { index in [UInt8](repeating: UInt8(index), count: 12)[...] }
        let fresh = nonces.map { filter.admit($0) }
        #expect(fresh.allSatisfy { $0 })
        // The last four are remembered, older ones forgotten.
        let repeated = nonces.suffix(4).map { filter.admit($0) }
        #expect(repeated.allSatisfy { !$0 })
        let old = filter.admit(nonces[0])
        #expect(old)
        // The counter and the random part both count.
        var counterOnly = [UInt8](repeating: 0, count: 12)
        counterOnly[3] = 1
        var randomOnly = [UInt8](repeating: 0, count: 12)
        randomOnly[11] = 1
        #expect(ReplayFilter.digest(counterOnly[...]) != ReplayFilter.digest(randomOnly[...]))
        #expect(ReplayFilter.digest([UInt8](repeating: 0, count: 12)[...]) != 0)
        var off = ReplayFilter(capacity: 0)
        let twice = [off.admit(nonces[0]), off.admit(nonces[0])]
        #expect(twice == [true, true])
    }

    @Test func noResponseRequestsUnderASessionAreSentUntrackedInABoundedList() {
        let (network, machineA, _) = TestNetwork.pair(a, b, established: true)
        let sent = Discv5Protocol.untrackedSendsCapacity + 904
        for index in 0..<sent {
            machineA.sendRequest(
                .talk(protocol: [1], payload: [UInt8(truncatingIfNeeded: index)]),
                to: b.contact,
                mode: .noResponse,
                now: network.now
            )
        }
        // None is tracked as an ordinary request, and what is remembered for a WHOAREYOU is bounded.
        #expect(machineA.pendingRequestCount == 0)
        #expect(machineA.metrics.untrackedRequests == UInt64(sent))
        #expect(machineA.untracked.count == Discv5Protocol.untrackedSendsCapacity)
        network.run()
        // Every one of them was sent and arrived.
        #expect(network.talkRequests(at: b.endpoint).count == sent)
        // Requests that expect an answer are tracked whatever the count.
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        #expect(machineA.pendingRequestCount == 1)
        network.advance(to: .ms(1500))
        #expect(machineA.pendingRequestCount == 0)
    }

    // MARK: - Handshakes

    @Test func peerAnsweringEveryHandshakeWithWhoAreYouCannotKeepARequestAlive() throws {
        let network = TestNetwork()
        let machineA = a.machine(seed: 1)
        network.add(machineA, at: a.endpoint)
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        var handshakesSent = 0
        // B (played by hand) answers every packet of A with a fresh WHOAREYOU.
        for round in 0..<10 {
            let queued = network.takeQueue()
            guard let packet = queued.first else { break }
            let decoded = try PacketDecoder(localNodeID: b.nodeID).decode(packet.bytes)
            if decoded.flag == .handshake { handshakesSent += 1 }
            let whoAreYou = try PacketEncoder.whoAreYou(
                requestNonce: decoded.nonce,
                idNonce: [UInt8](repeating: UInt8(round), count: 16),
                enrSeq: 0,
                maskingIV: [UInt8](repeating: UInt8(round), count: 16),
                destinationID: a.nodeID
            )
            network.now = .ms(UInt64(round + 1) * 500)
            network.deliver(.init(bytes: whoAreYou.packet, from: b.endpoint, to: a.endpoint))
        }
        #expect(handshakesSent == Discv5Configuration.defaultMaximumHandshakesPerRequest)
        #expect(machineA.metrics.handshakesExceeded == 1)
        let failures = network.failures(at: a.endpoint)
        #expect(failures.count == 1)
        #expect(failures.first?.1.code == .handshakeFailed)
        #expect(machineA.pendingRequestCount == 0)
    }

    @Test func duplicatedHandshakeAndWhoAreYouPacketsAreDropped() throws {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        let handshake = try #require(network.sent.first { TestNetwork.flag(of: $0, recipient: b.nodeID) == .handshake })
        let whoAreYou = try #require(network.sent.first { TestNetwork.flag(of: $0, recipient: a.nodeID) == .whoAreYou })
        network.deliver(handshake)
        network.deliver(whoAreYou)
        // The challenge was used up and the request's packet has changed: both are stale.
        #expect(machineB.metrics.unexpectedHandshake == 1)
        #expect(machineA.metrics.unsolicitedWhoAreYou == 1)
        #expect(machineB.metrics.sessionsEstablished == 1)
        #expect(network.takeQueue().isEmpty)
        #expect(network.responses(at: a.endpoint).count == 1)
    }

    @Test func challengeCacheHoldsAtMostItsCapacity() {
        var configuration = Discv5Configuration()
        configuration.challengeCapacity = 8
        let network = TestNetwork()
        let machineB = b.machine(configuration: configuration, seed: 2)
        network.add(machineB, at: b.endpoint)
        // Twenty nodes (distinct IPs, so the WHOAREYOU budget is not what stops them) ask for a
        // handshake and never complete it.
        for index in 0..<20 {
            let node = TestNode(seed: UInt8(40 + index), port: UInt16(31000 + index))
            let machine = node.machine(seed: UInt64(index))
            machine.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
            guard case .send(let bytes, _)? = machine.nextAction() else {
                Issue.record("no packet")
                return
            }
            let source = NodeEndpoint(ip: IPAddress(bytes: [10, 0, 0, UInt8(index)])!, port: 9000)
            machineB.handleDatagram(bytes, from: source, now: network.now)
        }
        #expect(machineB.challenges.count == 8)
        #expect(machineB.metrics.undecryptable == 20)
        // Every trigger was answered: a full cache displaces the oldest challenge.
        var whoAreYous = 0
        while let action = machineB.nextAction() {
            if case .send = action { whoAreYous += 1 }
        }
        #expect(whoAreYous == 20)
    }

    @Test func challengeCacheDropsTheOldestFirstAndSkipsRemovedOnes() {
        var cache = ChallengeCache(capacity: 3)
        func address(_ port: UInt16) -> NodeAddress {
            NodeAddress(nodeID: a.nodeID, endpoint: .init(ip: a.endpoint.ip, port: port))
        }
        func challenge(_ at: UInt64) -> Challenge {
            Challenge(challengeData: [], packet: [], record: nil, expiry: .ms(at + 2000))
        }
        for port: UInt16 in 1...3 { cache.insert(challenge(UInt64(port)), for: address(port), now: .ms(UInt64(port))) }
        cache.remove(address(2))
        cache.insert(challenge(4), for: address(4), now: .ms(4))
        #expect(cache.count == 3)
        // Full: the oldest live one (1) goes, not a removed one.
        cache.insert(challenge(5), for: address(5), now: .ms(5))
        #expect(cache.count == 3)
        #expect(cache.challenge(for: address(1), now: .ms(5)) == nil)
        for port: UInt16 in [3, 4, 5] { #expect(cache.challenge(for: address(port), now: .ms(5)) != nil) }
        // Expired ones leave as new ones arrive.
        cache.insert(challenge(3000), for: address(6), now: .ms(3000))
        #expect(cache.count == 1)
        // Many inserts and removals keep it within capacity.
        for index in 0..<10_000 {
            let port = UInt16(100 + index % 50)
            cache.insert(challenge(3000), for: address(port), now: .ms(3000))
            if index % 3 == 0 { cache.remove(address(port)) }
        }
        #expect(cache.count <= 3)
    }

    // MARK: - Floods

    @Test func whoAreYouFloodFromManyPortsIsNotAmplifiedAndIsRateLimited() {
        let machineB = b.machine(seed: 2)
        let trigger: [UInt8]
        do {
            let machine = a.machine(seed: 1)
            machine.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: .zero)
            guard case .send(let bytes, _)? = machine.nextAction() else {
                Issue.record("no packet")
                return
            }
            trigger = bytes
        }
        // 5000 triggers in 5 s from 5000 source ports of one address.
        var bytesIn = 0
        var bytesOut = 0
        var packetsOut = 0
        for index in 0..<5000 {
            let now = Discv5Instant.ms(UInt64(index))
            let source = NodeEndpoint(ip: IPAddress(bytes: [192, 0, 2, 7])!, port: UInt16(10_000 + index))
            machineB.handleDatagram(trigger, from: source, now: now)
            bytesIn += trigger.count
            while let action = machineB.nextAction() {
                if case .send(let bytes, _) = action {
                    packetsOut += 1
                    bytesOut += bytes.count
                    // A WHOAREYOU is never larger than what triggered it.
                    #expect(bytes.count < trigger.count)
                }
            }
        }
        let budget = TokenBucketLimiter<IPAddress>.Configuration.whoAreYouPerIP
        // The burst, then one per refill interval over the 5 s.
        let allowed = budget.burst + Int(Duration.seconds(5) / budget.refillInterval) + 1
        #expect(packetsOut <= allowed)
        #expect(bytesOut * 50 < bytesIn, "sent \(bytesOut) bytes for \(bytesIn) received")
        #expect(machineB.metrics.rateLimited == UInt64(5000 - packetsOut))
        #expect(machineB.challenges.count <= packetsOut)
        #expect(machineB.sessionCount == 0)
    }

    @Test func unsolicitedNodesAreDroppedWithoutState() throws {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        // B sends A NODES answers to a request A never made.
        for index in 0..<200 {
            let nodes = Message.nodes(
                Nodes(requestID: try RequestID(bytes: [UInt8(index)]), total: 1, records: [b.record])
            )
            let sent = machineB.sendResponse(
                nodes,
                to: NodeAddress(nodeID: a.nodeID, endpoint: a.endpoint),
                now: network.now
            )
            #expect(sent)
        }
        network.run()
        #expect(machineA.metrics.unsolicitedResponse == 200)
        #expect(machineA.pendingRequestCount == 0)
        #expect(network.responses(at: a.endpoint).count == 1)  // the PING's PONG only
    }

    @Test func findNodeAnswerIsCappedAtMaximumNodesPerResponse() throws {
        let distance = UInt16(256)
        let atDistance = TestNodes.pool.filter { $0.nodeID.logDistance(to: b.nodeID) == Int(distance) }
        try #require(atDistance.count > 40)
        for (limit, expected) in [(nil, 16), (5, 5)] as [(Int?, Int)] {
            var configuration = Discv5Configuration()
            if let limit { configuration.maximumNodesPerResponse = limit }
            let (network, machineA, _) = TestNetwork.pair(
                a,
                b,
                configurationB: configuration,
                findNodeResponderB: { _ in atDistance }
            )
            machineA.sendRequest(.findNode(distances: [distance]), to: b.contact, mode: .expectResponse, now: .zero)
            network.run()
            let responses = network.responses(at: a.endpoint)
            try #require(responses.count == 1)
            guard case .nodes(let records) = responses[0].1 else {
                Issue.record("not NODES")
                return
            }
            #expect(records.count == expected)
        }
    }
}
