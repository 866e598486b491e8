// SPDX-License-Identifier: Apache-2.0

import DequeModule
import Discv5Crypto
import Discv5Wire
import ENR

extension Discv5Protocol {
    /// Handles one received datagram.
    ///
    /// The hot path for an ordinary packet under an existing session is: unmask the header with
    /// the decoder's reused AES-CTR context (keyed by our id) → session lookup by
    /// (source id, endpoint) → AES-GCM open with the session's context → message decode. No
    /// key schedule is set up per packet. Anything malformed or unexpected is dropped and
    /// counted in ``metrics``; nothing here throws or traps on peer input.
    ///
    /// - Parameters:
    ///   - bytes: The UDP payload.
    ///   - source: The endpoint it came from.
    ///   - now: The current time.
    public func handleDatagram(_ bytes: UnsafeRawBufferPointer, from source: NodeEndpoint, now: Discv5Instant) {
        count(\.datagramsReceived)
        let packet: Packet
        do {
            packet = try decoder.decode(bytes)
        } catch {
            count(\.decodeFailed)
            return
        }
        handlePacket(packet, from: source, now: now)
    }

    /// Handles one received datagram; see ``handleDatagram(_:from:now:)-(UnsafeRawBufferPointer,_,_)``.
    ///
    /// - Parameters:
    ///   - bytes: The UDP payload.
    ///   - source: The endpoint it came from.
    ///   - now: The current time.
    public func handleDatagram(_ bytes: [UInt8], from source: NodeEndpoint, now: Discv5Instant) {
        bytes.withUnsafeBytes { handleDatagram($0, from: source, now: now) }
    }

    func handlePacket(_ packet: Packet, from source: NodeEndpoint, now: Discv5Instant) {
        switch packet.authData {
        case .ordinary(let sourceID):
            handleOrdinary(packet, sourceID: sourceID, from: source, now: now)
        case .whoAreYou(let challenge):
            handleWhoAreYou(packet, challenge: challenge, from: source, now: now)
        case .handshake(let authData):
            handleHandshake(packet, authData: authData, from: source, now: now)
        }
    }

    // MARK: - Ordinary packets (and the recipient's challenge)

    private func handleOrdinary(_ packet: Packet, sourceID: NodeID, from source: NodeEndpoint, now: Discv5Instant) {
        let address = NodeAddress(nodeID: sourceID, endpoint: source)
        // discv5-theory.md Step 2: "If node B has session keys from prior communication with A,
        // it attempts to decrypt the message data."
        if let session = sessions.session(for: address, now: now),
            let plaintext = (try? packet.decryptMessage(using: session.readCipher))
                ?? session.previousReadCipher.flatMap({ try? packet.decryptMessage(using: $0) })
        {
            // An authentic packet seen before is a replay (a captured packet sent again):
            // answering it would run the request twice.
            guard session.replayFilter.admit(packet.nonce) else {
                count(\.replayed)
                return
            }
            let message: Message
            do {
                message = try Message.decode(plaintext)
            } catch {
                count(\.messageDecodeFailed)
                return
            }
            handleMessage(message, from: address, session: session, now: now)
            return
        }
        // "If node B does not have session keys or decryption is not successful, it must
        // initiate a handshake by responding with a WHOAREYOU packet."
        count(\.undecryptable)
        sendWhoAreYou(answering: packet, to: address, now: now)
    }

    private func sendWhoAreYou(answering packet: Packet, to address: NodeAddress, now: Discv5Instant) {
        guard whoAreYouLimiter.allow(address.endpoint.ip, now: now) else {
            count(\.rateLimited)
            return
        }
        // While a challenge to this node and endpoint lives, repeat it byte for byte rather than
        // issuing a new one. discv5-theory.md suggests "a new WHOAREYOU challenge referencing
        // the message packet"; repeating the live one (whose nonce is the packet that started
        // it) is what go-ethereum does and what conformance suites expect: a handshake answering
        // the first challenge is then never invalidated by a second, and a flood of packets
        // costs one key-less copy instead of fresh randomness and state per packet.
        if let live = challenges.challenge(for: address, now: now) {
            count(\.whoAreYouRepeated)
            emit(.send(live.packet, to: address.endpoint))
            return
        }
        // "Node B also checks if it has a copy of node A's record. If it does, it also includes
        // the sequence number of this record in the challenge packet, otherwise it sets the
        // `enr-seq` field to zero."
        let record = knownRecord(of: address)
        let built: (packet: [UInt8], challengeData: [UInt8])
        do {
            built = try PacketEncoder.whoAreYou(
                requestNonce: packet.nonce,
                idNonce: randomBytes(PacketLimits.idNonceSize),
                enrSeq: record?.seq ?? 0,
                maskingIV: randomBytes(PacketLimits.maskingIVSize),
                destinationID: address.nodeID
            )
        } catch {
            count(\.decodeFailed)
            return
        }
        challenges.insert(
            Challenge(
                challengeData: built.challengeData,
                packet: built.packet,
                record: record,
                expiry: now.advanced(by: configuration.challengeLifetime)
            ),
            for: address,
            now: now
        )
        emit(.send(built.packet, to: address.endpoint))
    }

    /// The record we hold for a node: from its session at this endpoint, else from the table.
    private func knownRecord(of address: NodeAddress) -> ENR? {
        if let record = sessions.peek(address)?.record { return record }
        if let record = recordLookup(address.nodeID), record.nodeID == address.nodeID { return record }
        return nil
    }

    // MARK: - Handshake packets (recipient, Step 4)

    private func handleHandshake(
        _ packet: Packet,
        authData: HandshakeAuthData,
        from source: NodeEndpoint,
        now: Discv5Instant
    ) {
        let address = NodeAddress(nodeID: authData.sourceID, endpoint: source)
        // "When node B receives the handshake message packet, it first loads the node record
        // and WHOAREYOU challenge which it sent and stored earlier."
        guard let challenge = challenges.challenge(for: address, now: now) else {
            count(\.unexpectedHandshake)
            return
        }
        // "If node B did not have the node record of node A, the handshake message packet must
        // contain a node record. ... If the packet contains a node record, B must first
        // validate it by checking the record's signature." (The decoder verified the
        // signature; we check it is A's and not older than the copy we challenged with.)
        let record: ENR
        if let offered = authData.record {
            guard offered.nodeID == authData.sourceID else {
                count(\.handshakeFailed)
                return
            }
            if let held = challenge.record, offered.seq < held.seq {
                count(\.handshakeFailed)
                return
            }
            record = offered
        } else if let held = challenge.record {
            record = held
        } else {
            count(\.handshakeFailed)
            return
        }
        // "Node B then verifies the `id-signature` against the identity public key of A's record."
        guard
            IDSignature.verify(
                signature: authData.idSignature,
                publicKey: record.publicKey,
                challengeData: challenge.challengeData,
                ephemeralPublicKey: authData.ephemeralPublicKey,
                destinationID: localNodeID
            )
        else {
            count(\.handshakeFailed)
            return
        }
        // "After that, B can perform the key derivation using its own static private key and the
        // `ephemeral-pubkey` from the handshake packet."
        let session: Session
        let plaintext: [UInt8]
        do {
            let ephemeral = try Secp256k1.PublicKey(bytes: authData.ephemeralPublicKey)
            let secret = try privateKey.sharedSecret(with: ephemeral)
            let keys = SessionKeys.derive(
                ecdhSecret: secret,
                challengeData: challenge.challengeData,
                initiatorID: authData.sourceID,
                recipientID: localNodeID
            )
            session = try Session(
                remoteID: authData.sourceID,
                readKey: keys.initiatorKey,
                writeKey: keys.recipientKey,
                record: record,
                tableEligible: isTableEligible(record, endpoint: source),
                replayWindow: configuration.replayWindow,
                now: now
            )
            // "Using the resulting session keys, it attempts to decrypt the message contained in
            // the packet. If the message can be decrypted and authenticated, Node B considers
            // the new session keys valid and responds to the message."
            plaintext = try packet.decryptMessage(using: session.readCipher)
        } catch {
            count(\.handshakeFailed)
            return
        }
        challenges.remove(address)
        install(session, for: address, initiatedLocally: false)
        let message: Message
        do {
            message = try Message.decode(plaintext)
        } catch {
            count(\.messageDecodeFailed)
            return
        }
        handleMessage(message, from: address, session: session, now: now)
    }

    func install(_ session: Session, for address: NodeAddress, initiatedLocally: Bool) {
        // Crossed handshakes: keep the replaced session's read key (see `previousReadCipher`).
        if let replaced = sessions.peek(address) { session.previousReadCipher = replaced.readCipher }
        if sessions.insert(session, for: address) != nil { count(\.sessionsEvicted) }
        count(\.sessionsEstablished)
        emit(
            .event(
                .sessionEstablished(
                    nodeID: address.nodeID,
                    endpoint: address.endpoint,
                    record: session.record,
                    tableEligible: session.tableEligible,
                    initiatedLocally: initiatedLocally
                )
            )
        )
    }

    // MARK: - WHOAREYOU (initiator, Step 3)

    private func handleWhoAreYou(
        _ packet: Packet,
        challenge: WhoAreYouAuthData,
        from source: NodeEndpoint,
        now: Discv5Instant
    ) {
        // "The challenge can be traced back to the request packet which solicited it by
        // checking the `nonce`" ... "WHOAREYOU is only ever valid as a response to a previously
        // sent request."
        guard
            let handle = tracker.handle(forNonce: packet.nonce)
                ?? promoteUntracked(nonce: packet.nonce, from: source, now: now),
            let request = tracker[handle],
            request.address.endpoint == source, request.stage != .queued
        else {
            count(\.unsolicitedWhoAreYou)
            return
        }
        let address = request.address
        // The peer could not decrypt a packet sent under our session (it restarted or evicted
        // it): that session is dead; handshake again.
        sessions.remove(address)
        // Each WHOAREYOU restarts the request's timer; without a cap a peer answering every
        // handshake with another WHOAREYOU would keep the request (and our ECDH work) alive
        // for ever.
        guard request.handshakes < configuration.maximumHandshakesPerRequest else {
            count(\.handshakesExceeded)
            fail(handle, .handshakeFailed("WHOAREYOU after \(request.handshakes) handshakes"), now: now)
            return
        }
        guard let remoteKey = request.contact.publicKey else {
            fail(handle, .noRecord(), now: now)
            return
        }
        let remoteRecord =
            request.contact.record
            ?? recordLookup(address.nodeID).flatMap {
                $0.nodeID == address.nodeID ? $0 : nil
            }
        guard let message = message(for: request) else {
            fail(handle, .encodingFailed("request id"), now: now)
            return
        }
        let challengeData = Array(packet.authenticatedData)
        let ephemeral = makeEphemeralKey()
        let ephemeralPublic = ephemeral.publicKey.compressed
        let session: Session
        let packetBytes: [UInt8]
        let nonce: [UInt8]
        do {
            let secret = try ephemeral.sharedSecret(with: remoteKey)
            let keys = SessionKeys.derive(
                ecdhSecret: secret,
                challengeData: challengeData,
                initiatorID: localNodeID,
                recipientID: address.nodeID
            )
            session = try Session(
                remoteID: address.nodeID,
                readKey: keys.recipientKey,
                writeKey: keys.initiatorKey,
                record: remoteRecord,
                tableEligible: isTableEligible(remoteRecord, endpoint: source),
                replayWindow: configuration.replayWindow,
                now: now
            )
            let signature = IDSignature.sign(
                key: privateKey,
                challengeData: challengeData,
                ephemeralPublicKey: ephemeralPublic,
                destinationID: address.nodeID
            )
            // "Node A compares the `enr-seq` element of the WHOAREYOU challenge against its own
            // node record sequence number. If the sequence number in the challenge is lower, it
            // includes its record into the handshake message packet."
            let offered = challenge.enrSeq < localRecord.seq ? localRecord : nil
            guard let sessionNonce = session.nextNonce(using: &random) else {
                fail(handle, .handshakeFailed("fresh session has no nonce"), now: now)
                return
            }
            nonce = sessionNonce
            let header = try PacketHeader(
                nonce: nonce,
                authData: .handshake(
                    HandshakeAuthData(
                        sourceID: localNodeID,
                        idSignature: signature,
                        ephemeralPublicKey: ephemeralPublic,
                        record: offered
                    )
                )
            )
            packetBytes = try PacketEncoder.seal(
                plaintext: message.encode(),
                header: header,
                maskingIV: randomBytes(PacketLimits.maskingIVSize),
                mask: session.mask,
                cipher: session.writeCipher
            )
        } catch {
            fail(handle, .handshakeFailed("\(error)"), now: now)
            return
        }
        // "The request is now re-sent, with the message encrypted using the new session keys."
        // The leg timer restarts: the WHOAREYOU proves the peer alive.
        tracker.update(handle) {
            $0.stage = .sent
            $0.packetNonce = nonce
            $0.handshakes += 1
            $0.deadline = now.advanced(by: configuration.requestTimeout)
        }
        emit(.send(packetBytes, to: source))
        install(session, for: address, initiatedLocally: true)

        // The rest of the peer's requests: those queued behind the handshake, and those sent
        // under the dead session ("all buffered requests can be considered invalid (the remote
        // end cannot decrypt them)"), go out again under the new keys with a fresh leg.
        let queued = outgoingHandshakes.removeValue(forKey: address)?.queue ?? []
        var resend = Array(queued)
        for other in tracker.handles(for: address) where other != handle && !queued.contains(other) {
            resend.append(other)
        }
        for other in resend {
            sendUnderSession(other, session: session, now: now)
        }
    }

    private func makeEphemeralKey() -> Secp256k1.PrivateKey {
        while true {
            if let key = try? Secp256k1.PrivateKey(rawRepresentation: randomBytes(Secp256k1.PrivateKey.byteCount)) {
                return key
            }
        }
    }
}
