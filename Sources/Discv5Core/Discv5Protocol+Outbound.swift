// SPDX-License-Identifier: Apache-2.0

import DequeModule
import Discv5Crypto
import Discv5Wire
import ENR

extension Discv5Protocol {
    /// Sends a request, starting a handshake first when there is no session.
    ///
    /// With a session, the request leaves at once. Without one, discv5-theory.md Step 1 applies:
    /// "If no keys are known, it initiates the handshake by sending an ordinary message packet
    /// with random message content"; the request is re-sent inside the handshake packet when
    /// the WHOAREYOU arrives. Further requests to a peer with a handshake in flight are queued
    /// (at most ``Discv5Configuration/maximumQueuedRequestsPerPeer``) and sent under the new
    /// session. The outcome arrives later as ``Action/response(_:_:)`` or
    /// ``Action/requestFailed(_:_:)`` (a failure may already be queued when this returns:
    /// ``Discv5CoreError/Code/noRecord``, ``Discv5CoreError/Code/queueFull``,
    /// ``Discv5CoreError/Code/encodingFailed``). Requests in ``ResponseMode/noResponse`` mode
    /// never produce a response or a timeout.
    ///
    /// - Parameters:
    ///   - request: What to ask.
    ///   - contact: The node and endpoint; a handshake needs its public key.
    ///   - mode: Whether to wait for an answer.
    ///   - now: The current time.
    /// - Returns: The request's handle.
    @discardableResult
    public func sendRequest(
        _ request: OutgoingRequest,
        to contact: NodeContact,
        mode: ResponseMode,
        now: Discv5Instant
    ) -> RequestHandle {
        let handle = tracker.makeHandle()
        if mode == .noResponse, outgoingHandshakes[contact.address] == nil,
            let session = usableSession(for: contact.address, now: now),
            sendUntracked(request, to: contact, session: session, now: now)
        {
            return handle
        }
        var contact = contact
        if contact.publicKey == nil, let known = recordLookup(contact.nodeID), known.nodeID == contact.nodeID {
            contact.publicKey = known.publicKey
            contact.record = contact.record ?? known
        }
        let address = contact.address
        var requestID = randomBytes(8)
        while tracker.isInUse(requestID, peer: address) { requestID = randomBytes(8) }
        var pending = PendingRequest(
            handle: handle,
            requestID: requestID,
            contact: contact,
            request: request,
            mode: mode,
            stage: .queued,
            deadline: now.advanced(by: configuration.requestTimeout)
        )
        if case .findNode(let distances) = request {
            pending.nodes = NodesResponseCollector(peer: contact.nodeID, askedDistances: distances)
        }

        if outgoingHandshakes[address] != nil {
            guard outgoingHandshakes[address]!.requestCount < configuration.maximumQueuedRequestsPerPeer else {
                emit(.requestFailed(handle, .queueFull(configuration.maximumQueuedRequestsPerPeer)))
                return handle
            }
            outgoingHandshakes[address]!.queue.append(handle)
            tracker.insert(pending)
            return handle
        }
        tracker.insert(pending)
        if let session = usableSession(for: address, now: now) {
            sendUnderSession(handle, session: session, now: now)
        } else {
            startHandshake(with: handle, now: now)
        }
        return handle
    }

    /// Answers a TALKREQ delivered as ``Action/incomingTalkRequest(_:)``.
    ///
    /// The TALKREQ router rules want an answer to every TALKREQ (an empty one for an unknown
    /// protocol); this is the path for all of them.
    ///
    /// - Parameters:
    ///   - token: The request's ``IncomingTalkRequest/token``.
    ///   - response: The answer bytes; must fit one packet with the header (at most about
    ///     1180 bytes).
    ///   - now: The current time.
    /// - Returns: Whether the answer was queued for sending (`false` when the session is gone or
    ///   the answer does not fit; counted in ``Discv5Metrics/responseNotSent``).
    @discardableResult
    public func respondToTalkRequest(
        _ token: IncomingTalkRequest.Token,
        response: [UInt8],
        now: Discv5Instant
    ) -> Bool {
        guard let requestID = try? RequestID(bytes: token.requestID) else {
            count(\.responseNotSent)
            return false
        }
        let message = Message.talkResponse(TalkResponse(requestID: requestID, response: response))
        return sendResponse(message, to: token.peer, now: now)
    }

    // MARK: - Internals

    /// The session with `address`, or `nil`; a session whose nonce counter is spent is dropped.
    func usableSession(for address: NodeAddress, now: Discv5Instant) -> Session? {
        guard let session = sessions.session(for: address, now: now) else { return nil }
        guard !session.isExhausted else {
            sessions.remove(address)
            count(\.sessionsExhausted)
            return nil
        }
        return session
    }

    /// The wire message of a tracked request.
    func message(for request: PendingRequest) -> Message? {
        guard let requestID = try? RequestID(bytes: request.requestID) else { return nil }
        return message(for: request.request, requestID: requestID)
    }

    /// The wire message of a request with an id.
    func message(for request: OutgoingRequest, requestID: RequestID) -> Message {
        switch request {
        case .ping:
            return .ping(Ping(requestID: requestID, enrSeq: localRecord.seq))
        case .findNode(let distances):
            return .findNode(FindNode(requestID: requestID, distances: distances))
        case .talk(let protocolID, let payload):
            return .talkRequest(TalkRequest(requestID: requestID, protocolID: protocolID, request: payload))
        }
    }

    /// Seals `plaintext` as an ordinary message packet under `session`.
    func sealOrdinary(_ plaintext: [UInt8], session: Session) -> (packet: [UInt8], nonce: [UInt8])? {
        guard let nonce = session.nextNonce(using: &random) else { return nil }
        do {
            let header = try PacketHeader(nonce: nonce, authData: .ordinary(sourceID: localNodeID))
            let packet = try PacketEncoder.seal(
                plaintext: plaintext,
                header: header,
                maskingIV: randomBytes(PacketLimits.maskingIVSize),
                mask: session.mask,
                cipher: session.writeCipher
            )
            return (packet, nonce)
        } catch {
            return nil
        }
    }

    /// Sends a no-response request under `session` without tracking it (see ``UntrackedSends``);
    /// `false` when it could not be sealed (the tracked path then handles the failure).
    func sendUntracked(
        _ request: OutgoingRequest,
        to contact: NodeContact,
        session: Session,
        now: Discv5Instant
    ) -> Bool {
        let requestID = RequestID(untracked.nextRequestID)
        guard
            let (packet, nonce) = sealOrdinary(message(for: request, requestID: requestID).encode(), session: session),
            let key = UntrackedSends.NonceKey(nonce)
        else { return false }
        count(\.untrackedRequests)
        untracked.append(
            UntrackedSends.Entry(
                contact: contact,
                request: request,
                nonce: key,
                deadline: now.advanced(by: configuration.requestTimeout),
                isLive: true
            ),
            now: now
        )
        emit(.send(packet, to: contact.endpoint))
        return true
    }

    /// Turns the untracked request a WHOAREYOU answers into a tracked one, as if it had been
    /// tracked all along, so the handshake re-sends it.
    func promoteUntracked(
        nonce: some Collection<UInt8>,
        from source: NodeEndpoint,
        now: Discv5Instant
    ) -> RequestHandle? {
        guard let (entry, requestID) = untracked.promote(nonce: nonce, from: source, now: now) else { return nil }
        var contact = entry.contact
        if contact.publicKey == nil, let known = recordLookup(contact.nodeID), known.nodeID == contact.nodeID {
            contact.publicKey = known.publicKey
            contact.record = contact.record ?? known
        }
        var pending = PendingRequest(
            handle: tracker.makeHandle(),
            requestID: RequestID(requestID).bytes,
            contact: contact,
            request: entry.request,
            mode: .noResponse,
            stage: .sent,
            deadline: entry.deadline
        )
        pending.packetNonce = Array(nonce)
        tracker.insert(pending)
        return pending.handle
    }

    /// Sends a tracked request under an existing session and starts its leg timer.
    func sendUnderSession(_ handle: RequestHandle, session: Session, now: Discv5Instant) {
        guard let request = tracker[handle], let message = message(for: request) else { return }
        guard let (packet, nonce) = sealOrdinary(message.encode(), session: session) else {
            if session.isExhausted {
                sessions.remove(request.address)
                count(\.sessionsExhausted)
                startHandshake(with: handle, now: now)
            } else {
                fail(handle, .encodingFailed("the request does not fit in a packet"), now: now)
            }
            return
        }
        tracker.update(handle) {
            $0.stage = .sent
            $0.packetNonce = nonce
            $0.deadline = now.advanced(by: configuration.requestTimeout)
        }
        emit(.send(packet, to: request.address.endpoint))
    }

    /// Sends the packet with random content that asks the peer for a WHOAREYOU, carrying
    /// `handle` as the request to re-send in the handshake packet.
    func startHandshake(with handle: RequestHandle, now: Discv5Instant) {
        guard let request = tracker[handle] else { return }
        guard request.contact.publicKey != nil else {
            fail(handle, .noRecord(), now: now)
            return
        }
        let nonce = randomBytes(PacketLimits.nonceSize)
        let packet: [UInt8]
        do {
            let header = try PacketHeader(nonce: nonce, authData: .ordinary(sourceID: localNodeID))
            packet = try PacketEncoder.encode(
                header: header,
                maskingIV: randomBytes(PacketLimits.maskingIVSize),
                destinationID: request.contact.nodeID,
                messageCiphertext: randomBytes(max(PacketLimits.tagSize, configuration.randomPacketContentSize))
            )
        } catch {
            fail(handle, .encodingFailed("\(error)"), now: now)
            return
        }
        var handshake = outgoingHandshakes[request.address] ?? OutgoingHandshake(trigger: handle)
        handshake.trigger = handle
        outgoingHandshakes[request.address] = handshake
        tracker.update(handle) {
            $0.stage = .awaitingChallenge
            $0.packetNonce = nonce
            $0.deadline = now.advanced(by: configuration.requestTimeout)
        }
        emit(.send(packet, to: request.address.endpoint))
    }

    /// Answers a request of the peer under its session.
    @discardableResult
    func sendResponse(_ message: Message, to peer: NodeAddress, now: Discv5Instant) -> Bool {
        guard let session = usableSession(for: peer, now: now),
            let (packet, _) = sealOrdinary(message.encode(), session: session)
        else {
            count(\.responseNotSent)
            return false
        }
        emit(.send(packet, to: peer.endpoint))
        return true
    }

    /// Removes a request and reports its failure (silently for no-response requests when the
    /// cause is the peer's silence).
    func fail(_ handle: RequestHandle, _ error: Discv5CoreError, now: Discv5Instant) {
        guard let request = tracker.remove(handle) else { return }
        detachFromHandshake(request, now: now)
        if request.mode == .noResponse, error.code == .timeout { return }
        emit(.requestFailed(handle, error))
    }

    /// Takes a removed request out of its peer's handshake; when it was the trigger, the
    /// oldest queued request starts a fresh attempt, or the handshake is abandoned.
    func detachFromHandshake(_ request: PendingRequest, now: Discv5Instant) {
        let address = request.address
        guard var handshake = outgoingHandshakes[address] else { return }
        if handshake.trigger == request.handle {
            guard let next = handshake.queue.popFirst() else {
                outgoingHandshakes[address] = nil
                return
            }
            handshake.trigger = next
            outgoingHandshakes[address] = handshake
            startHandshake(with: next, now: now)
        } else {
            handshake.queue.removeAll { $0 == request.handle }
            outgoingHandshakes[address] = handshake
        }
    }

    /// Expires requests whose leg timer ran out.
    ///
    /// A request/response request fails with ``Discv5CoreError/Code/timeout``, except a FINDNODE
    /// that already received some NODES packets: it completes with the records collected so far.
    /// A no-response request is forgotten silently. When the expired request was the one whose
    /// packet asked for a WHOAREYOU, the oldest request still queued for that peer starts a new
    /// handshake attempt.
    ///
    /// - Parameters:
    ///   - now: The current time.
    public func handleTimeouts(now: Discv5Instant) {
        untracked.removeExpired(now: now)
        while let handle = tracker.popExpired(now: now) {
            guard let request = tracker.remove(handle) else { continue }
            detachFromHandshake(request, now: now)
            switch request.mode {
            case .noResponse:
                continue
            case .expectResponse:
                if let nodes = request.nodes, nodes.receivedCount > 0 {
                    emit(.response(handle, .nodes(nodes.records)))
                } else {
                    emit(.requestFailed(handle, .timeout()))
                }
            }
        }
        if lastSessionSweep.advanced(by: .seconds(60)) <= now {
            sessions.removeExpired(now: now)
            lastSessionSweep = now
        }
    }
}
