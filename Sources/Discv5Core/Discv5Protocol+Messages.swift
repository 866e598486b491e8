// SPDX-License-Identifier: Apache-2.0

import Discv5Wire
import ENR

extension Discv5Protocol {
    /// Dispatches a decrypted message: requests are answered (PING, FINDNODE) or handed to the
    /// shell (TALKREQ); responses complete the matching request.
    func handleMessage(_ message: Message, from peer: NodeAddress, session: Session, now: Discv5Instant) {
        switch message {
        case .ping(let ping):
            // PONG's `recipient-ip`/`recipient-port` are the packet's source as we saw it.
            let pong = Pong(
                requestID: ping.requestID,
                enrSeq: localRecord.seq,
                recipientIP: peer.endpoint.ip,
                recipientPort: peer.endpoint.port
            )
            sendResponse(.pong(pong), to: peer, now: now)
        case .findNode(let findNode):
            answerFindNode(findNode, from: peer, now: now)
        case .talkRequest(let talk):
            emit(
                .incomingTalkRequest(
                    IncomingTalkRequest(
                        protocolID: talk.protocolID,
                        payload: talk.request,
                        token: .init(peer: peer, requestID: talk.requestID.bytes)
                    )
                )
            )
        case .pong(let pong):
            guard let handle = matchResponse(pong.requestID, from: peer) else { return }
            guard case .ping = tracker[handle]?.request else {
                count(\.unsolicitedResponse)
                return
            }
            complete(
                handle,
                .pong(enrSeq: pong.enrSeq, recipient: NodeEndpoint(ip: pong.recipientIP, port: pong.recipientPort))
            )
        case .nodes(let nodes):
            guard let handle = matchResponse(nodes.requestID, from: peer) else { return }
            handleNodes(nodes, for: handle, from: peer, now: now)
        case .talkResponse(let talk):
            guard let handle = matchResponse(talk.requestID, from: peer) else { return }
            guard case .talk = tracker[handle]?.request else {
                count(\.unsolicitedResponse)
                return
            }
            complete(handle, .talk(talk.response))
        case .ignoredTopicMessage:
            // Topic messages (0x07–0x0A) are decoded and ignored: no implementation serves them.
            break
        }
    }

    /// The pending request a response answers; `nil` (counted) when none, or when the
    /// request was sent in no-response mode (its answer is ignored, and it stays tracked).
    private func matchResponse(_ requestID: RequestID, from peer: NodeAddress) -> RequestHandle? {
        guard let handle = tracker.handle(forResponseFrom: peer, requestID: requestID.bytes),
            let request = tracker[handle], request.stage == .sent
        else {
            if untracked.answers(requestID: requestID.bytes, from: peer) {
                count(\.ignoredResponse)
                return nil
            }
            count(\.unsolicitedResponse)
            return nil
        }
        switch request.mode {
        case .expectResponse:
            return handle
        case .noResponse:
            count(\.ignoredResponse)
            return nil
        }
    }

    private func complete(_ handle: RequestHandle, _ response: Response) {
        guard tracker.remove(handle) != nil else { return }
        emit(.response(handle, response))
    }

    /// Collects one NODES packet with the request's ``NodesResponseCollector`` (at most 16
    /// packets, records checked against the asked distances) and restarts the leg timer: "the
    /// request timeout is restarted on each NODES packet" (design table).
    private func handleNodes(_ nodes: Nodes, for handle: RequestHandle, from peer: NodeAddress, now: Discv5Instant) {
        guard tracker[handle]?.nodes != nil else {
            count(\.unsolicitedResponse)
            return
        }
        metrics.nodesRecordRejected &+= UInt64(nodes.invalidRecordCount)
        var outcome = NodesResponseCollector.Outcome.ignored
        var rejected = 0
        tracker.update(handle) {
            guard var collector = $0.nodes else { return }
            let before = collector.rejectedRecordCount
            outcome = collector.receive(total: nodes.total, records: nodes.records)
            rejected = collector.rejectedRecordCount - before
            $0.nodes = collector
            $0.deadline = now.advanced(by: configuration.requestTimeout)
        }
        metrics.nodesRecordRejected &+= UInt64(rejected)
        switch outcome {
        case .expectingMore, .ignored:
            break
        case .complete:
            if let finished = tracker.remove(handle) {
                emit(.response(handle, .nodes(finished.nodes?.records ?? [])))
            }
        }
    }

    /// Answers FINDNODE: distance 0 is our own record, others come from the responder; at most
    /// ``Discv5Configuration/maximumNodesPerResponse`` records, split into NODES messages that
    /// each fit one packet.
    private func answerFindNode(_ findNode: FindNode, from peer: NodeAddress, now: Discv5Instant) {
        var records: [ENR] = []
        var seen: Set<NodeID> = []
        if findNode.distances.contains(0) {
            records.append(localRecord)
            seen.insert(localNodeID)
        }
        let others = findNode.distances.filter { $0 != 0 }
        if !others.isEmpty {
            for record in findNodeResponder(others) where records.count < configuration.maximumNodesPerResponse {
                // Serve only what was asked for, and never the asker's own record back.
                let distance = record.nodeID.logDistance(to: localNodeID)
                guard distance > 0, others.contains(UInt16(distance)), record.nodeID != peer.nodeID,
                    seen.insert(record.nodeID).inserted
                else { continue }
                records.append(record)
            }
        }
        if records.count > configuration.maximumNodesPerResponse {
            records.removeLast(records.count - configuration.maximumNodesPerResponse)
        }
        for message in Nodes.split(requestID: findNode.requestID, records: records) {
            sendResponse(.nodes(message), to: peer, now: now)
        }
    }
}
