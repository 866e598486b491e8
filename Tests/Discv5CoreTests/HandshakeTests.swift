// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import Discv5Wire
import ENR
import Testing

@Suite("Handshake and sessions")
struct HandshakeTests {
    let a = TestNode(seed: 1, port: 30001)
    let b = TestNode(seed: 2, port: 30002)

    @Test func pingHandshakesThenPongReportsRecipientEndpoint() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        let handle = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()

        // random packet → WHOAREYOU → handshake (PING) → PONG
        #expect(network.sent.count == 4)
        #expect(TestNetwork.flag(of: network.sent[0], recipient: b.nodeID) == .ordinary)
        #expect(TestNetwork.flag(of: network.sent[1], recipient: a.nodeID) == .whoAreYou)
        #expect(TestNetwork.flag(of: network.sent[2], recipient: b.nodeID) == .handshake)
        #expect(TestNetwork.flag(of: network.sent[3], recipient: a.nodeID) == .ordinary)
        let responses = network.responses(at: a.endpoint)
        #expect(responses.count == 1)
        #expect(responses.first?.0 == handle)
        #expect(responses.first?.1 == .pong(enrSeq: b.record.seq, recipient: a.endpoint))
        #expect(machineA.hasSession(with: b.nodeID, at: b.endpoint, now: network.now))
        #expect(machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
        let eventsB = network.sessionEvents(at: b.endpoint)
        #expect(eventsB.count == 1)
        #expect(eventsB.first?.0 == a.nodeID)
        #expect(eventsB.first?.2 == a.record)
        #expect(eventsB.first?.3 == true)
        #expect(eventsB.first?.4 == false)
        #expect(network.sessionEvents(at: a.endpoint).first?.4 == true)
        #expect(machineA.pendingRequestCount == 0)
    }

    @Test func secondPingUsesTheSession() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        let before = network.sent.count
        let undecryptable = machineB.metrics.undecryptable
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(network.sent.count == before + 2)
        #expect(machineB.metrics.undecryptable == undecryptable)
        #expect(network.responses(at: a.endpoint).count == 2)
    }

    @Test func repeatPacketGetsTheIdenticalWhoAreYou() {
        let (network, _, machineB) = TestNetwork.pair(a, b)
        // Two different undecryptable packets from the same node and endpoint: the first from
        // A, the second from a restarted A (same key, same endpoint).
        let first = a.machine(seed: 10)
        let second = a.machine(seed: 11)
        network.remove(at: a.endpoint)
        network.add(first, at: a.endpoint)
        first.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        let packet1 = network.takeQueue()
        network.remove(at: a.endpoint)
        network.add(second, at: a.endpoint)
        second.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        let packet2 = network.takeQueue()
        #expect(packet1.count == 1 && packet2.count == 1)
        #expect(packet1 != packet2)

        network.deliver(packet1[0])
        let whoAreYou1 = network.takeQueue()
        network.now = .ms(500)
        network.deliver(packet2[0])
        let whoAreYou2 = network.takeQueue()
        #expect(whoAreYou1.count == 1)
        #expect(whoAreYou1 == whoAreYou2)
        #expect(machineB.metrics.whoAreYouRepeated == 1)
        // Its nonce is that of the packet that started the challenge.
        let decoded = try? PacketDecoder(localNodeID: a.nodeID).decode(whoAreYou2[0].bytes)
        let trigger = try? PacketDecoder(localNodeID: b.nodeID).decode(packet1[0].bytes)
        #expect(decoded?.nonce == trigger?.nonce)
    }

    @Test func challengeExpiresAfterTwoSeconds() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        let random = network.takeQueue()
        network.deliver(random[0])
        let whoAreYou = network.takeQueue()
        #expect(whoAreYou.count == 1)
        // A's answer arrives after the challenge's 2 s: rejected.
        network.now = .ms(2000)
        machineA.handleDatagram(whoAreYou[0].bytes, from: b.endpoint, now: .ms(900))
        network.pump()
        let handshake = network.takeQueue()
        #expect(handshake.count == 1)
        network.deliver(handshake[0])
        #expect(machineB.metrics.unexpectedHandshake == 1)
        #expect(!machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
        // The same triggering packet again now gets a fresh challenge, not the old bytes.
        network.deliver(random[0])
        let fresh = network.takeQueue()
        #expect(fresh.count == 1)
        #expect(fresh != whoAreYou)
        #expect(machineB.metrics.whoAreYouRepeated == 0)
    }

    @Test func rehandshakesWhenThePeerForgotTheSession() {
        let (network, machineA, _) = TestNetwork.pair(a, b, established: true)
        // B restarts: same key and endpoint, no sessions.
        let restarted = b.machine(seed: 99)
        network.remove(at: b.endpoint)
        network.add(restarted, at: b.endpoint)
        let before = network.sent.count
        let handle = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        let flags = network.sent[before...].map { datagram in
            TestNetwork.flag(of: datagram, recipient: datagram.to == b.endpoint ? b.nodeID : a.nodeID)
        }
        // session packet B cannot read → WHOAREYOU → handshake → PONG
        #expect(flags == [.ordinary, .whoAreYou, .handshake, .ordinary])
        #expect(network.responses(at: a.endpoint).last?.0 == handle)
        #expect(restarted.metrics.undecryptable == 1)
        #expect(network.sessionEvents(at: a.endpoint).count == 2)
    }

    @Test func sessionDoesNotFollowANodeToANewEndpoint() {
        let (network, machineA, machineB) = TestNetwork.pair(a, b, established: true)
        // A moves to a new port; its session with B (keyed by B's endpoint) still exists on
        // A's side, but B refuses to use it for the new source endpoint.
        let moved = NodeEndpoint(ip: a.endpoint.ip, port: 40001)
        network.remove(at: a.endpoint)
        network.add(machineA, at: moved)
        let handle = machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineB.metrics.undecryptable == 2)
        #expect(machineB.hasSession(with: a.nodeID, at: moved, now: network.now))
        #expect(network.responses(at: moved).first?.0 == handle)
        #expect(network.responses(at: moved).first?.1 == .pong(enrSeq: 1, recipient: moved))
        // A's record still advertises the old port: a session, but not table-eligible.
        let last = network.sessionEvents(at: b.endpoint).last
        #expect(last?.1 == moved)
        #expect(last?.3 == false)
    }

    @Test func handshakeCarriesTheRecordOnlyWhenTheChallengeSeqIsLower() throws {
        // B knows nothing about A: enr-seq 0 < 1 → record included.
        do {
            let (network, _, _) = TestNetwork.pair(a, b, established: true)
            let packet = try PacketDecoder(localNodeID: b.nodeID).decode(network.sent[2].bytes)
            guard case .handshake(let authData) = packet.authData else {
                Issue.record("not a handshake")
                return
            }
            #expect(authData.record == a.record)
        }
        // B holds A's current record (seq 1): enr-seq 1 is not lower → no record.
        do {
            let record = a.record
            let (network, _, _) = TestNetwork.pair(
                a,
                b,
                established: true,
                recordLookupB: { $0 == record.nodeID ? record : nil }
            )
            let whoAreYou = try PacketDecoder(localNodeID: a.nodeID).decode(network.sent[1].bytes)
            guard case .whoAreYou(let challenge) = whoAreYou.authData else {
                Issue.record("no WHOAREYOU")
                return
            }
            #expect(challenge.enrSeq == 1)
            let packet = try PacketDecoder(localNodeID: b.nodeID).decode(network.sent[2].bytes)
            guard case .handshake(let authData) = packet.authData else {
                Issue.record("not a handshake")
                return
            }
            #expect(authData.record == nil)
            #expect(network.responses(at: a.endpoint).count == 1)
            #expect(network.sessionEvents(at: b.endpoint).first?.2 == record)
        }
        // B holds an older copy (seq 1) while A is at seq 2 → record included, B updates.
        do {
            let newer = TestNode(seed: 1, port: 30001, seq: 2)
            let older = a.record
            let (network, _, _) = TestNetwork.pair(
                newer,
                b,
                established: true,
                recordLookupB: { $0 == older.nodeID ? older : nil }
            )
            let packet = try PacketDecoder(localNodeID: b.nodeID).decode(network.sent[2].bytes)
            guard case .handshake(let authData) = packet.authData else {
                Issue.record("not a handshake")
                return
            }
            #expect(authData.record == newer.record)
            #expect(network.sessionEvents(at: b.endpoint).first?.2 == newer.record)
        }
    }

    /// Builds a handshake packet answering `whoAreYou` by hand, with chosen signer and record.
    func craftHandshake(
        whoAreYou: [UInt8],
        sourceID: NodeID,
        signer: Secp256k1.PrivateKey,
        record: ENR?
    ) throws -> [UInt8] {
        let challengePacket = try PacketDecoder(localNodeID: sourceID).decode(whoAreYou)
        let challengeData = Array(challengePacket.authenticatedData)
        let ephemeral = try Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
        let ephemeralPublic = ephemeral.publicKey.compressed
        let keys = SessionKeys.derive(
            ecdhSecret: try ephemeral.sharedSecret(with: b.key.publicKey),
            challengeData: challengeData,
            initiatorID: sourceID,
            recipientID: b.nodeID
        )
        let signature = IDSignature.sign(
            key: signer,
            challengeData: challengeData,
            ephemeralPublicKey: ephemeralPublic,
            destinationID: b.nodeID
        )
        let header = try PacketHeader(
            nonce: [UInt8](repeating: 1, count: 12),
            authData: .handshake(
                HandshakeAuthData(
                    sourceID: sourceID,
                    idSignature: signature,
                    ephemeralPublicKey: ephemeralPublic,
                    record: record
                )
            )
        )
        let ping = Message.ping(Ping(requestID: RequestID(1), enrSeq: 1))
        return try PacketEncoder.seal(
            plaintext: ping.encode(),
            header: header,
            maskingIV: [UInt8](repeating: 3, count: 16),
            destinationID: b.nodeID,
            key: keys.initiatorKey
        )
    }

    /// Sends A's random packet to B and returns B's WHOAREYOU.
    func challenge(_ network: TestNetwork, _ machineA: Discv5Protocol) -> [UInt8] {
        machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.pump()
        network.deliver(network.takeQueue()[0])
        return network.takeQueue()[0].bytes
    }

    @Test func handshakeWithValidSignatureIsAccepted() throws {
        // The crafting helper itself is right: with A's key and record, B accepts and answers.
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        let whoAreYou = challenge(network, machineA)
        let packet = try craftHandshake(whoAreYou: whoAreYou, sourceID: a.nodeID, signer: a.key, record: a.record)
        network.deliver(.init(bytes: packet, from: a.endpoint, to: b.endpoint))
        #expect(machineB.metrics.handshakeFailed == 0)
        #expect(machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
    }

    @Test func handshakeWithBadIDSignatureIsRejected() throws {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        let whoAreYou = challenge(network, machineA)
        let intruder = TestNode(seed: 3, port: 30003)
        let packet = try craftHandshake(
            whoAreYou: whoAreYou,
            sourceID: a.nodeID,
            signer: intruder.key,
            record: a.record
        )
        network.deliver(.init(bytes: packet, from: a.endpoint, to: b.endpoint))
        #expect(machineB.metrics.handshakeFailed == 1)
        #expect(!machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
        #expect(network.sessionEvents(at: b.endpoint).isEmpty)
        #expect(network.takeQueue().isEmpty)
    }

    @Test func handshakeWhoseRecordIsAnotherNodesIsRejected() throws {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        let whoAreYou = challenge(network, machineA)
        let other = TestNode(seed: 3, port: 30003)
        // Signed by the record's owner, but the packet claims to come from A.
        let packet = try craftHandshake(
            whoAreYou: whoAreYou,
            sourceID: a.nodeID,
            signer: other.key,
            record: other.record
        )
        network.deliver(.init(bytes: packet, from: a.endpoint, to: b.endpoint))
        #expect(machineB.metrics.handshakeFailed == 1)
        #expect(!machineB.hasSession(with: a.nodeID, at: a.endpoint, now: network.now))
    }

    @Test func handshakeWithoutRecordWhenNoneIsHeldIsRejected() throws {
        let (network, machineA, machineB) = TestNetwork.pair(a, b)
        let whoAreYou = challenge(network, machineA)
        let packet = try craftHandshake(whoAreYou: whoAreYou, sourceID: a.nodeID, signer: a.key, record: nil)
        network.deliver(.init(bytes: packet, from: a.endpoint, to: b.endpoint))
        #expect(machineB.metrics.handshakeFailed == 1)
    }

    @Test func unsolicitedWhoAreYouIsCountedAndIgnored() throws {
        let (network, machineA, _) = TestNetwork.pair(a, b)
        let (packet, _) = try PacketEncoder.whoAreYou(
            requestNonce: [UInt8](repeating: 9, count: 12),
            idNonce: [UInt8](repeating: 1, count: 16),
            enrSeq: 0,
            maskingIV: [UInt8](repeating: 2, count: 16),
            destinationID: a.nodeID
        )
        network.deliver(.init(bytes: packet, from: b.endpoint, to: a.endpoint))
        #expect(machineA.metrics.unsolicitedWhoAreYou == 1)
        #expect(network.takeQueue().isEmpty)
    }

    @Test func sessionCacheEvictsTheLeastRecentlyUsedAtCapacity() {
        var configuration = Discv5Configuration()
        configuration.sessionCapacity = 2
        let network = TestNetwork()
        let machineB = b.machine(configuration: configuration, seed: 2)
        network.add(machineB, at: b.endpoint)
        let peers = (0..<3).map { TestNode(seed: UInt8(10 + $0), port: UInt16(31000 + $0)) }
        let machines = peers.enumerated().map { $1.machine(seed: UInt64(100 + $0)) }
        for (peer, machine) in zip(peers, machines) { network.add(machine, at: peer.endpoint) }
        for (index, machine) in machines.enumerated() {
            network.now = .ms(UInt64(index) * 10)
            machine.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
            network.run()
        }
        #expect(machineB.sessionCount == 2)
        #expect(machineB.metrics.sessionsEvicted == 1)
        #expect(!machineB.hasSession(with: peers[0].nodeID, at: peers[0].endpoint, now: network.now))
        #expect(machineB.hasSession(with: peers[2].nodeID, at: peers[2].endpoint, now: network.now))
        // The evicted peer's next packet needs a new handshake.
        let undecryptable = machineB.metrics.undecryptable
        machines[0].sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        network.run()
        #expect(machineB.metrics.undecryptable == undecryptable + 1)
        #expect(network.responses(at: peers[0].endpoint).count == 2)
    }

    @Test func outgoingNoncesNeverRepeat() throws {
        let (network, machineA, _) = TestNetwork.pair(a, b, established: true)
        for _ in 0..<200 {
            machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
        }
        network.run()
        let decoderB = PacketDecoder(localNodeID: b.nodeID)
        let decoderA = PacketDecoder(localNodeID: a.nodeID)
        var nonces = Set<[UInt8]>()
        var count = 0
        for datagram in network.sent {
            let decoder = datagram.to == b.endpoint ? decoderB : decoderA
            let packet = try decoder.decode(datagram.bytes)
            if packet.flag == .whoAreYou { continue }
            nonces.insert(Array(packet.nonce))
            count += 1
        }
        // random packet, handshake, PONG, then 200 PINGs and 200 PONGs (WHOAREYOU carries no nonce of its own)
        #expect(count == 3 + 2 * 200)
        #expect(nonces.count == count)
        #expect(network.responses(at: a.endpoint).count == 201)
    }
}
