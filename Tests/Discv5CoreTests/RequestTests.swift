// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import Discv5Wire
import ENR
import TestSupport
import Testing

@Suite("Requests")
struct RequestTests {
    let a = TestNode(seed: 1, port: 30001)
    let b = TestNode(seed: 2, port: 30002)
    let c = TestNode(seed: 3, port: 30003)

    /// 40 generated records, grouped by their log distance to B.
    func recordsAroundB() -> [UInt16: [ENR]] {
        var random = SplitMix64(seed: 7)
        var byDistance: [UInt16: [ENR]] = [:]
        for index in 0..<40 {
            var raw = [UInt8](repeating: 0, count: 32)
            for byteIndex in 0..<32 { raw[byteIndex] = UInt8.random(in: 0...255, using: &random) }
            let key = try! Secp256k1.PrivateKey(rawRepresentation: raw)
            let node = TestNode(key: key, port: UInt16(20000 + index))
            byDistance[UInt16(node.nodeID.logDistance(to: b.nodeID)), default: []].append(node.record)
        }
        return byDistance
    }

    @Test func findNodeAnswerIsSplitAcrossSeveralNodesPackets() {
        let byDistance = recordsAroundB()
        let distances = Array(byDistance.keys.sorted().reversed())
        let (network, machineA, machineB) = TestNetwork.pair(
            a,
            b,
            established: true,
            findNodeResponderB: { asked in
                asked.flatMap { byDistance[$0] ?? [] }
            }
        )
        let before = network.sent.count
        let handle = machineA.sendRequest(
            .findNode(distances: distances),
            to: b.contact,
            mode: .expectResponse,
            now: network.now
        )
        network.run()
        let nodesPackets = network.sent[before...].filter { $0.from == b.endpoint }
        #expect(nodesPackets.count >= 2)
        #expect(nodesPackets.allSatisfy { $0.bytes.count <= 1280 })
        guard let (got, response) = network.responses(at: a.endpoint).last, case .nodes(let records) = response
        else {
            Issue.record("no NODES response")
            return
        }
        #expect(got == handle)
        #expect(records.count == 16)
        #expect(Set(records).count == 16)
        #expect(machineB.metrics.responseNotSent == 0)
    }

    @Test func findNodeDistanceZeroReturnsTheOwnRecord() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        machineA.sendRequest(.findNode(distances: [0]), to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(network.responses(at: a.endpoint).first?.1 == .nodes([b.record]))
    }

    @Test func nodesRecordsAtUnaskedDistancesAreDropped() {
        let byDistance = recordsAroundB()
        let distances = byDistance.keys.sorted()
        // B (misbehaving) answers every FINDNODE with records from all distances.
        let everything = byDistance.values.flatMap { $0 }
        // The responder ignores the asked distances; the machine's own filter keeps B honest,
        // so emulate a dishonest B by asking A to check: A asks only the first distance.
        let (network, machineA, _) = TestNetwork.pair(a, b, findNodeResponderB: { _ in everything })
        let asked = distances[distances.count - 1]
        machineA.sendRequest(.findNode(distances: [asked]), to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        guard case .nodes(let records) = network.responses(at: a.endpoint).first?.1 else {
            Issue.record("no NODES response")
            return
        }
        #expect(records.allSatisfy { UInt16($0.nodeID.logDistance(to: b.nodeID)) == asked })
        #expect(records.count == min(16, byDistance[asked]!.count))
    }

    @Test func talkRequestAndResponse() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        let handle = machineA.sendRequest(
            .talk(protocol: Array("echo".utf8), payload: [1, 2, 3]),
            to: b.contact,
            mode: .expectResponse,
            now: network.now
        )
        network.run()
        let incoming = network.talkRequests(at: b.endpoint)
        #expect(incoming.count == 1)
        #expect(incoming.first?.protocolID == Array("echo".utf8))
        #expect(incoming.first?.payload == [1, 2, 3])
        #expect(incoming.first?.nodeID == a.nodeID)
        #expect(incoming.first?.endpoint == a.endpoint)
        let machineB = network.machines[b.endpoint]!
        #expect(machineB.respondToTalkRequest(incoming[0].token, response: [9, 8], now: network.now))
        network.run()
        #expect(network.responses(at: a.endpoint).count == 1)
        #expect(network.responses(at: a.endpoint).first?.0 == handle)
        #expect(network.responses(at: a.endpoint).first?.1 == .talk([9, 8]))
    }

    @Test func noResponseModeHandshakesButNeverTimesOutAndIgnoresTheAnswer() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        machineA.sendRequest(
            .talk(protocol: Array("utp".utf8), payload: [0x41]),
            to: b.contact,
            mode: .noResponse,
            now: network.now
        )
        network.run()
        // The handshake happened and carried the TALKREQ.
        #expect(machineA.hasSession(with: b.nodeID, at: b.endpoint, now: network.now))
        let incoming = network.talkRequests(at: b.endpoint)
        #expect(incoming.map(\.payload) == [[0x41]])
        machineB.respondToTalkRequest(incoming[0].token, response: [], now: network.now)
        network.run()
        #expect(machineA.metrics.ignoredResponse == 1)
        #expect(network.responses(at: a.endpoint).isEmpty)
        network.advance(to: .ms(5000))
        #expect(network.failures(at: a.endpoint).isEmpty)
        #expect(machineA.pendingRequestCount == 0)
    }

    @Test func noResponseRequestUnderASessionIsNotTrackedAndItsAnswerIsIgnored() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        machineA.sendRequest(
            .talk(protocol: Array("utp".utf8), payload: [0x42]),
            to: b.contact,
            mode: .noResponse,
            now: network.now
        )
        #expect(machineA.pendingRequestCount == 0)
        network.run()
        let incoming = network.talkRequests(at: b.endpoint)
        #expect(incoming.map(\.payload) == [[0x42]])
        machineB.respondToTalkRequest(incoming[0].token, response: [], now: network.now)
        network.run()
        #expect(machineA.metrics.ignoredResponse == 1)
        #expect(machineA.metrics.unsolicitedResponse == 0)
        #expect(machineA.nextDeadline == nil)
    }

    @Test func untrackedNoResponseRequestIsResentInAHandshakeWhenThePeerLostTheSession() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        machineB.dropSession(with: a.nodeID, at: a.endpoint)
        for payload: UInt8 in [1, 2, 3] {
            machineA.sendRequest(
                .talk(protocol: Array("utp".utf8), payload: [payload]),
                to: b.contact,
                mode: .noResponse,
                now: network.now
            )
        }
        network.run()
        // B answered each packet with a WHOAREYOU; the first one brought the first packet back
        // inside the one handshake, the other two were given up (uTP retransmits its own).
        #expect(network.talkRequests(at: b.endpoint).map(\.payload) == [[1]])
        #expect(machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
        #expect(machineA.metrics.unsolicitedWhoAreYou == 2)
        network.advance(to: .ms(5000))
        #expect(network.failures(at: a.endpoint).isEmpty)
        #expect(machineA.pendingRequestCount == 0)
    }

    @Test func noResponseTimeoutDoesNotFailTheOtherRequests() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        network.drop = { _ in true }
        machineA.sendRequest(
            .talk(protocol: Array("utp".utf8), payload: [1]),
            to: b.contact,
            mode: .noResponse,
            now: .zero
        )
        network.now = .ms(500)
        let ping = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        // The no-response trigger expires silently; the queued PING starts its own attempt
        // with a fresh 1 s leg.
        network.advance(to: .ms(1000))
        #expect(network.failures(at: a.endpoint).isEmpty)
        #expect(network.sent.count == 2)
        #expect(machineA.nextDeadline == .ms(2000))
        network.advance(to: .ms(1999))
        #expect(network.failures(at: a.endpoint).isEmpty)
        network.advance(to: .ms(2000))
        #expect(network.failures(at: a.endpoint).map(\.0) == [ping])
        #expect(network.failures(at: a.endpoint).first?.1.code == .timeout)
    }

    @Test func requestTimesOutAfterOneSecondWhenEverythingIsDropped() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        network.drop = { _ in true }
        let handle = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineA.nextDeadline == .ms(1000))
        network.advance(to: .ms(999))
        #expect(network.failures(at: a.endpoint).isEmpty)
        network.advance(to: .ms(1000))
        #expect(network.failures(at: a.endpoint).count == 1)
        #expect(network.failures(at: a.endpoint).first?.0 == handle)
        #expect(network.failures(at: a.endpoint).first?.1.code == .timeout)
        #expect(machineA.nextDeadline == nil)
    }

    @Test func timerRestartsOnWhoAreYou() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        let handle = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        let random = network.takeQueue()
        // The WHOAREYOU comes back at 900 ms; the handshake packet is lost.
        network.now = .ms(900)
        network.deliver(random[0])
        network.drop = { _ in true }
        let whoAreYou = network.takeQueue()
        network.deliver(whoAreYou[0])
        #expect(machineA.nextDeadline == .ms(1900))
        network.advance(to: .ms(1500))
        #expect(network.failures(at: a.endpoint).isEmpty)
        network.advance(to: .ms(1900))
        #expect(network.failures(at: a.endpoint).map(\.0) == [handle])
    }

    @Test func timerRestartsOnEachNodesPacket() {
        let byDistance = recordsAroundB()
        let distances = Array(byDistance.keys.sorted().reversed())
        let (network, machineA, _) = TestNetwork.pair(
            a,
            b,
            established: true,
            findNodeResponderB: { asked in asked.flatMap { byDistance[$0] ?? [] } }
        )
        let handle = machineA.sendRequest(
            .findNode(distances: distances),
            to: b.contact,
            mode: .expectResponse,
            now: network.now
        )
        network.pump()
        network.deliver(network.takeQueue()[0])
        let nodes = network.takeQueue()
        #expect(nodes.count >= 2)
        // First NODES at 800 ms restarts the timer to 1800 ms; the rest never arrive.
        network.now = .ms(800)
        network.deliver(nodes[0])
        #expect(machineA.nextDeadline == .ms(1800))
        network.advance(to: .ms(1799))
        #expect(network.responses(at: a.endpoint).count == 1)
        network.advance(to: .ms(1800))
        // Partial answer: what arrived is delivered.
        guard let (got, response) = network.responses(at: a.endpoint).last, case .nodes(let records) = response
        else {
            Issue.record("no partial NODES response")
            return
        }
        #expect(got == handle)
        #expect(!records.isEmpty && records.count < 16)
    }

    @Test func queuedRequestsAreBoundedWhileHandshaking() {
        var configuration = Discv5Configuration()
        configuration.maximumQueuedRequestsPerPeer = 8
        let (network, machineA, _) = TestNetwork.pair(
            a,
            b,
            configurationA: configuration,
            configurationB: configuration
        )
        let handles = (0..<10).map { _ in
            machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        }
        network.pump()
        #expect(network.sent.count == 1)
        #expect(network.failures(at: a.endpoint).map(\.0) == Array(handles[8...]))
        #expect(network.failures(at: a.endpoint).allSatisfy { $0.1.code == .queueFull })
        network.run()
        #expect(Set(network.responses(at: a.endpoint).map(\.0)) == Set(handles[..<8]))
    }

    @Test func requestWithoutPublicKeyCannotHandshake() {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        let contact = NodeContact(nodeID: b.nodeID, endpoint: b.endpoint)
        let handle = machineA.sendRequest(.ping, to: contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(network.sent.isEmpty)
        #expect(network.failures(at: a.endpoint).first?.0 == handle)
        #expect(network.failures(at: a.endpoint).first?.1.code == .noRecord)
        // With a session, the same key-less contact works.
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        let second = machineA.sendRequest(.ping, to: contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(network.responses(at: a.endpoint).last?.0 == second)
    }

    @Test func threeNodesDiscoverAndTalk() {
        let network = TestNetwork()
        let machineA = a.machine(seed: 1)
        let cRecord = c.record
        let distanceCB = UInt16(c.nodeID.logDistance(to: b.nodeID))
        let machineB = b.machine(seed: 2, findNodeResponder: { $0.contains(distanceCB) ? [cRecord] : [] })
        let machineC = c.machine(seed: 3)
        network.add(machineA, at: a.endpoint)
        network.add(machineB, at: b.endpoint)
        network.add(machineC, at: c.endpoint)
        machineA.sendRequest(.findNode(distances: [distanceCB]), to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        guard case .nodes(let found) = network.responses(at: a.endpoint).first?.1, let record = found.first,
            let contact = NodeContact(record: record)
        else {
            Issue.record("C not found")
            return
        }
        #expect(record == c.record)
        machineA.sendRequest(.ping, to: contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(network.responses(at: a.endpoint).last?.1 == .pong(enrSeq: 1, recipient: a.endpoint))
        #expect(machineC.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
    }
}
