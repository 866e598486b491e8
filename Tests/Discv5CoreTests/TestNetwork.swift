// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Wire
import ENR

/// An in-test network: machines by endpoint, a FIFO of datagrams, a manual clock, and a log
/// of everything sent and every non-send action each machine produced.
final class TestNetwork {
    struct Datagram: Equatable {
        var bytes: [UInt8]
        var from: NodeEndpoint
        var to: NodeEndpoint
    }

    var now = Discv5Instant.zero
    private(set) var machines: [NodeEndpoint: Discv5Protocol] = [:]
    private(set) var queue: [Datagram] = []
    /// Every datagram any machine sent, in order (dropped ones included).
    private(set) var sent: [Datagram] = []
    /// Non-send actions, per machine endpoint, in order.
    private(set) var outcomes: [NodeEndpoint: [Discv5Protocol.Action]] = [:]
    /// Return `true` to drop a datagram instead of queueing it.
    var drop: (Datagram) -> Bool = { _ in false }

    func add(_ machine: Discv5Protocol, at endpoint: NodeEndpoint) {
        machines[endpoint] = machine
    }

    func remove(at endpoint: NodeEndpoint) {
        machines[endpoint] = nil
    }

    /// Collects the actions of every machine.
    func pump() {
        for (endpoint, machine) in machines.sorted(by: { $0.key.port < $1.key.port }) {
            while let action = machine.nextAction() {
                switch action {
                case .send(let bytes, let to):
                    let datagram = Datagram(bytes: bytes, from: endpoint, to: to)
                    sent.append(datagram)
                    if !drop(datagram) { queue.append(datagram) }
                case .response, .requestFailed, .incomingTalkRequest, .event:
                    outcomes[endpoint, default: []].append(action)
                }
            }
        }
    }

    /// Delivers datagrams until none are left (or `limit` deliveries).
    func run(limit: Int = 10_000) {
        pump()
        var steps = 0
        while !queue.isEmpty, steps < limit {
            let datagram = queue.removeFirst()
            machines[datagram.to]?.handleDatagram(datagram.bytes, from: datagram.from, now: now)
            pump()
            steps += 1
        }
    }

    /// Moves the clock and fires every machine's timers.
    func advance(to instant: Discv5Instant) {
        now = instant
        for machine in machines.values { machine.handleTimeouts(now: now) }
        pump()
    }

    /// Takes the queued datagrams without delivering them.
    func takeQueue() -> [Datagram] {
        defer { queue.removeAll() }
        return queue
    }

    /// Delivers one datagram by hand.
    func deliver(_ datagram: Datagram) {
        machines[datagram.to]?.handleDatagram(datagram.bytes, from: datagram.from, now: now)
        pump()
    }

    func responses(at endpoint: NodeEndpoint) -> [(RequestHandle, Response)] {
        (outcomes[endpoint] ?? []).compactMap {
            if case .response(let handle, let response) = $0 { return (handle, response) }
            return nil
        }
    }

    func failures(at endpoint: NodeEndpoint) -> [(RequestHandle, Discv5CoreError)] {
        (outcomes[endpoint] ?? []).compactMap {
            if case .requestFailed(let handle, let error) = $0 { return (handle, error) }
            return nil
        }
    }

    func talkRequests(at endpoint: NodeEndpoint) -> [IncomingTalkRequest] {
        (outcomes[endpoint] ?? []).compactMap {
            if case .incomingTalkRequest(let request) = $0 { return request }
            return nil
        }
    }

    /// `sessionEstablished` events: (node id, endpoint, record, eligible, initiated locally).
    func sessionEvents(at endpoint: NodeEndpoint) -> [(NodeID, NodeEndpoint, ENR?, Bool, Bool)] {
        (outcomes[endpoint] ?? []).compactMap {
            if case .event(.sessionEstablished(let id, let ep, let record, let eligible, let local)) = $0 {
                return (id, ep, record, eligible, local)
            }
            return nil
        }
    }

    /// The flag of a datagram, decoded with the recipient's id.
    static func flag(of datagram: Datagram, recipient: NodeID) -> PacketFlag? {
        try? PacketDecoder(localNodeID: recipient).decode(datagram.bytes).flag
    }
}

extension Discv5Instant {
    static func ms(_ milliseconds: UInt64) -> Discv5Instant {
        Discv5Instant(nanoseconds: milliseconds * 1_000_000)
    }
}
