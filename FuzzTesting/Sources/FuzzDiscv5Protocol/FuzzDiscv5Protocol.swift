// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import Discv5Testing
import Discv5Wire
import ENR
import FuzzSupport
import RLP

// The sans-I/O discv5 machine driven by a fuzzed program. Random bytes alone never get past
// AES-GCM, so the harness also plays a scripted peer ("remote") built from the wire codec: it
// completes real handshakes in both roles and then sends fuzz-chosen message plaintexts under the
// session keys, so request tracking, NODES collection, TALK dispatch and the session cache are
// reached with hostile content. Time moves only when the program says so.

/// A fixed identity with a signed record.
private struct Identity {
    let key: Secp256k1.PrivateKey
    let record: ENR
    let endpoint: NodeEndpoint
    var nodeID: NodeID { record.nodeID }

    init(_ hex: String, ip: [UInt8], port: UInt16, seq: UInt64 = 1) {
        key = try! Secp256k1.PrivateKey(hex: hex)
        let address = IPAddress(bytes: ip)!
        var builder = ENRBuilder(seq: seq)
        builder.setUDPEndpoint(address, port: port)
        record = try! builder.sign(with: key)
        endpoint = NodeEndpoint(ip: address, port: port)
    }
}

/// The machine under test (node B of the spec vectors).
private let local = Identity(
    "66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628",
    ip: [10, 0, 0, 2],
    port: 30303
)
/// The scripted peer (node A of the spec vectors).
private let remote = Identity(
    "eef77acb6c6a6eebc5b363a475ac583ec7eccdb42b6481424c60f59aa326547f",
    ip: [10, 0, 0, 1],
    port: 30303
)
/// Other records the FINDNODE responder serves and NODES responses may carry.
private let others: [ENR] = (1...4).map { index in
    let hex = String(repeating: "0", count: 62) + String(index * 17, radix: 16).leftPadded(to: 2)
    return Identity(hex, ip: [10, 0, 1, UInt8(index)], port: 30303 + UInt16(index)).record
}
/// Endpoints a datagram may claim to come from: the peer's own, a spoofer on the same IP, other
/// hosts (IPv4 and IPv6).
private let sources: [NodeEndpoint] = [
    remote.endpoint,
    NodeEndpoint(ip: remote.endpoint.ip, port: 40000),
    NodeEndpoint(ip: IPAddress(bytes: [10, 0, 0, 3])!, port: 30303),
    NodeEndpoint(ip: IPAddress(bytes: [UInt8](repeating: 0xfe, count: 16))!, port: 30303),
]
/// A fixed ephemeral key for the peer's handshakes.
private let ephemeralKey = try! Secp256k1.PrivateKey(
    hex: "0288ef00023598499cb6c940146d050d2b1fb914198c327f76aad590bead68b6"
)
private let ephemeralPublicKey = ephemeralKey.publicKey.compressed
/// ECDH of the peer's ephemeral key with the machine's static key: the same in every handshake.
private let ephemeralSecret = try! ephemeralKey.sharedSecret(with: local.record.publicKey)
/// The peer's secp256k1 results by input: the machine's random values come from a fixed seed, so
/// the same challenges and ephemeral keys recur across runs, and signing or ECDH (the bulk of a
/// run's time) need not be repeated. Pure functions of their keys, so runs stay reproducible.
nonisolated(unsafe) private var signatureCache: [[UInt8]: [UInt8]] = [:]
nonisolated(unsafe) private var sharedSecretCache: [[UInt8]: [UInt8]] = [:]

private func cached(_ cache: inout [[UInt8]: [UInt8]], _ key: [UInt8], _ compute: () -> [UInt8]) -> [UInt8] {
    if let value = cache[key] { return value }
    let value = compute()
    if cache.count >= 256 { cache.removeAll() }
    cache[key] = value
    return value
}

nonisolated(unsafe) private let remoteDecoder = PacketDecoder(localNodeID: remote.nodeID)
nonisolated(unsafe) private let localMask = HeaderMask(nodeID: local.nodeID)

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}

/// The scripted peer's view of the exchange.
private struct RemotePeer {
    /// Session ciphers once a handshake completed: what the peer writes and reads with.
    var writeCipher: AES128GCM?
    var readCipher: AES128GCM?
    /// The last WHOAREYOU the machine sent us, with its challenge data.
    var challengeFromLocal: (nonce: [UInt8], challengeData: [UInt8], enrSeq: UInt64)?
    /// The nonce of the machine's last packet we could not (or chose not to) decrypt.
    var lastLocalNonce: [UInt8]?
    /// The challenge data of the last WHOAREYOU we sent.
    var challengeToLocal: [UInt8]?
    /// The machine's last handshake packet to us.
    var handshakeFromLocal: Packet?
    /// The request id of the machine's last request to us.
    var lastRequestID: [UInt8] = [1]
    /// Packets we sent, for replays.
    var sent: [[UInt8]] = []
    var counter: UInt32 = 0

    mutating func freshNonce() -> [UInt8] {
        counter &+= 1
        return [0, 0, 0, 0, 0, 0, 0, 0] + withUnsafeBytes(of: counter.bigEndian, Array.init)
    }

    mutating func freshIV() -> [UInt8] {
        counter &+= 1
        return [UInt8](repeating: 0x5a, count: 12) + withUnsafeBytes(of: counter.bigEndian, Array.init)
    }

    mutating func remember(_ packet: [UInt8]) {
        if sent.count == 8 { sent.removeFirst() }
        sent.append(packet)
    }
}

/// Everything one run needs.
private struct Run {
    var input: FuzzInput
    let machine: Discv5Protocol
    var now = Discv5Instant(nanoseconds: 1_000_000_000)
    var peer = RemotePeer()
    var talkTokens: [IncomingTalkRequest.Token] = []

    init(_ input: FuzzInput) {
        self.input = input
        let knowsRemote = self.input.bool()
        var configuration = Discv5Configuration()
        configuration.sessionCapacity = 4
        configuration.challengeCapacity = 4
        configuration.maximumQueuedRequestsPerPeer = 4
        machine = Discv5Protocol(
            configuration: configuration,
            privateKey: local.key,
            localRecord: local.record,
            now: now,
            random: SeededRandomNumberGenerator(seed: 7),
            findNodeResponder: { distances in distances.isEmpty ? [] : others },
            recordLookup: { id in knowsRemote && id == remote.nodeID ? remote.record : nil }
        )
    }

    mutating func execute() {
        var steps = 0
        while !input.isAtEnd && steps < 48 {
            steps += 1
            step(input.byte() % 12)
            drain()
        }
    }

    mutating func step(_ opcode: UInt8) {
        switch opcode {
        case 0:  // a raw datagram from any source
            let source = sources[Int(input.byte()) % sources.count]
            machine.handleDatagram(input.lengthPrefixedBytes(), from: source, now: now)
        case 1:  // a local request to the peer
            let contact = NodeContact(
                nodeID: remote.nodeID,
                endpoint: remote.endpoint,
                publicKey: input.bool() ? remote.record.publicKey : nil
            )
            let request = outgoingRequest()
            machine.sendRequest(request, to: contact, mode: input.bool() ? .noResponse : .expectResponse, now: now)
        case 2:  // time passes
            let milliseconds = Int64(input.uint16())
            now = now.advanced(byMilliseconds: input.bool() ? milliseconds * 1000 : milliseconds)
            machine.handleTimeouts(now: now)
        case 3:  // the peer starts a handshake with a random packet
            sendRandomPacket()
        case 4:  // the peer answers the machine's WHOAREYOU with a handshake packet
            sendHandshake()
        case 5:  // the peer sends a message under its session
            sendMessage()
        case 6:  // the peer challenges the machine's last packet
            sendWhoAreYou()
        case 7:  // the peer completes a handshake the machine started
            acceptHandshake()
        case 8:  // a replay of an earlier packet of the peer, possibly from another source
            guard !peer.sent.isEmpty else { return }
            let packet = peer.sent[Int(input.byte()) % peer.sent.count]
            machine.handleDatagram(packet, from: sources[Int(input.byte()) % sources.count], now: now)
        case 9:  // an earlier packet of the peer with one byte changed
            guard !peer.sent.isEmpty else { return }
            var packet = peer.sent[Int(input.byte()) % peer.sent.count]
            let index = Int(input.uint16()) % packet.count
            packet[index] ^= max(1, input.byte())
            machine.handleDatagram(packet, from: remote.endpoint, now: now)
        case 10:  // the application answers a TALKREQ
            guard !talkTokens.isEmpty else { return }
            let token = talkTokens.removeFirst()
            let size = input.bool() ? 2000 : Int(input.byte())
            machine.respondToTalkRequest(token, response: [UInt8](repeating: 0x61, count: size), now: now)
        default:  // the application drops the session
            machine.dropSession(with: remote.nodeID, at: remote.endpoint)
        }
    }

    mutating func outgoingRequest() -> OutgoingRequest {
        switch input.byte() % 3 {
        case 0: .ping
        case 1: .findNode(distances: (0..<Int(input.byte() % 4)).map { _ in input.uint16() % 260 })
        default: .talk(protocol: input.bytes(Int(input.byte() % 8)), payload: input.lengthPrefixedBytes())
        }
    }

    // MARK: - The scripted peer

    mutating func sendRandomPacket() {
        let header = try! PacketHeader(nonce: peer.freshNonce(), authData: .ordinary(sourceID: remote.nodeID))
        let packet = try! PacketEncoder.encode(
            header: header,
            maskingIV: peer.freshIV(),
            mask: localMask,
            messageCiphertext: [UInt8](repeating: 0x33, count: 20 + Int(input.byte() % 4))
        )
        deliver(packet)
    }

    mutating func sendHandshake() {
        guard let challenge = peer.challengeFromLocal else { return }
        let flags = input.byte()
        let keys = SessionKeys.derive(
            ecdhSecret: ephemeralSecret,
            challengeData: challenge.challengeData,
            initiatorID: remote.nodeID,
            recipientID: local.nodeID
        )
        var signature = cached(&signatureCache, challenge.challengeData) {
            IDSignature.sign(
                key: remote.key,
                challengeData: challenge.challengeData,
                ephemeralPublicKey: ephemeralPublicKey,
                destinationID: local.nodeID
            )
        }
        if flags & 1 != 0 { signature[0] ^= 1 }
        // Send the record when asked for it (or when the program says so anyway).
        let record = challenge.enrSeq < remote.record.seq || flags & 2 != 0 ? remote.record : nil
        let authData = try! HandshakeAuthData(
            sourceID: remote.nodeID,
            idSignature: signature,
            ephemeralPublicKey: ephemeralPublicKey,
            record: flags & 4 != 0 ? nil : record
        )
        let header = try! PacketHeader(nonce: peer.freshNonce(), authData: .handshake(authData))
        let write = try! AES128GCM(key: keys.initiatorKey)
        guard
            let packet = try? PacketEncoder.seal(
                plaintext: messagePlaintext(),
                header: header,
                maskingIV: peer.freshIV(),
                mask: localMask,
                cipher: write
            )
        else { return }
        peer.writeCipher = write
        peer.readCipher = try! AES128GCM(key: keys.recipientKey)
        peer.challengeFromLocal = nil
        deliver(packet)
    }

    mutating func sendMessage() {
        guard let write = peer.writeCipher else { return }
        let header = try! PacketHeader(nonce: peer.freshNonce(), authData: .ordinary(sourceID: remote.nodeID))
        guard
            let packet = try? PacketEncoder.seal(
                plaintext: messagePlaintext(),
                header: header,
                maskingIV: peer.freshIV(),
                mask: localMask,
                cipher: write
            )
        else { return }
        deliver(packet)
    }

    mutating func sendWhoAreYou() {
        guard let nonce = peer.lastLocalNonce else { return }
        let (packet, challengeData) = try! PacketEncoder.whoAreYou(
            requestNonce: nonce,
            idNonce: [UInt8](repeating: input.byte(), count: 16),
            enrSeq: UInt64(input.byte() % 3),
            maskingIV: peer.freshIV(),
            destinationID: local.nodeID
        )
        peer.challengeToLocal = challengeData
        deliver(packet)
    }

    mutating func acceptHandshake() {
        guard let packet = peer.handshakeFromLocal, let challengeData = peer.challengeToLocal,
            case .handshake(let authData) = packet.authData,
            let ephemeral = try? Secp256k1.PublicKey(bytes: authData.ephemeralPublicKey)
        else { return }
        let secret = cached(&sharedSecretCache, authData.ephemeralPublicKey) {
            (try? remote.key.sharedSecret(with: ephemeral)) ?? []
        }
        let keys = SessionKeys.derive(
            ecdhSecret: secret,
            challengeData: challengeData,
            initiatorID: local.nodeID,
            recipientID: remote.nodeID
        )
        peer.writeCipher = try! AES128GCM(key: keys.recipientKey)
        peer.readCipher = try! AES128GCM(key: keys.initiatorKey)
        peer.handshakeFromLocal = nil
        if let plaintext = try? packet.decryptMessage(using: peer.readCipher!) {
            noteRequest(plaintext)
        }
    }

    /// A message for the peer to send: fully fuzzed, or well-formed with fuzzed fields, answering
    /// the machine's last request when the program says so.
    mutating func messagePlaintext() -> [UInt8] {
        let shape = input.byte()
        let requestID = shape & 1 != 0 ? peer.lastRequestID : input.bytes(Int(input.byte() % 10))
        let id = RLPItem.bytes(requestID)
        switch (shape >> 1) % 8 {
        case 0:  // anything at all
            return input.lengthPrefixedBytes()
        case 1:
            return [1] + RLP.encode(.list([id, .uint(input.byte())]))
        case 2:
            let ip = input.bool() ? [10, 0, 0, 2] : input.bytes(Int(input.byte() % 20))
            return [2] + RLP.encode(.list([id, .uint(input.byte()), .bytes(ip), .uint(input.uint16())]))
        case 3:
            let distances = (0..<Int(input.byte() % 5)).map { _ in RLPItem.uint(input.uint16() % 260) }
            return [3] + RLP.encode(.list([id, .list(distances)]))
        case 4, 5:
            var records: [RLPItem] = []
            for _ in 0..<Int(input.byte() % 4) {
                let pick = Int(input.byte()) % (others.count + 2)
                let record = pick < others.count ? others[pick] : pick == others.count ? local.record : remote.record
                records.append(try! RLP.decode(record.encoded))
            }
            return [4] + RLP.encode(.list([id, .uint(input.byte() % 20), .list(records)]))
        case 6:
            return [5]
                + RLP.encode(
                    .list([id, .bytes(input.bytes(Int(input.byte() % 8))), .bytes(input.lengthPrefixedBytes())])
                )
        default:
            return [6] + RLP.encode(.list([id, .bytes(input.lengthPrefixedBytes())]))
        }
    }

    mutating func deliver(_ packet: [UInt8]) {
        peer.remember(packet)
        machine.handleDatagram(packet, from: remote.endpoint, now: now)
    }

    /// Records the request id of a request the machine sent us.
    mutating func noteRequest(_ plaintext: [UInt8]) {
        guard let message = try? Message.decode(plaintext), let id = message.requestID else { return }
        switch message {
        case .ping, .findNode, .talkRequest: peer.lastRequestID = id.bytes
        case .pong, .nodes, .talkResponse, .ignoredTopicMessage: break
        }
    }

    /// Takes the machine's actions; packets to the peer's endpoint are read the way the peer
    /// would read them.
    mutating func drain() {
        while let action = machine.nextAction() {
            switch action {
            case .send(let bytes, let destination):
                precondition(bytes.count <= PacketLimits.maximumPacketSize, "the machine sent an oversized packet")
                guard destination == remote.endpoint, let packet = try? remoteDecoder.decode(bytes) else { continue }
                switch packet.authData {
                case .ordinary:
                    if let read = peer.readCipher, let plaintext = try? packet.decryptMessage(using: read) {
                        noteRequest(plaintext)
                    } else {
                        peer.lastLocalNonce = Array(packet.nonce)
                    }
                case .whoAreYou(let challenge):
                    peer.challengeFromLocal = (Array(packet.nonce), Array(packet.authenticatedData), challenge.enrSeq)
                case .handshake:
                    peer.handshakeFromLocal = packet
                }
            case .incomingTalkRequest(let request):
                if talkTokens.count < 4 { talkTokens.append(request.token) }
            case .response, .requestFailed, .event:
                break
            }
        }
        precondition(machine.sessionCount <= machine.configuration.sessionCapacity, "session cache over capacity")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDiscv5Protocol(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var run = Run(FuzzInput(start, count))
    run.execute()
    return 0
}
