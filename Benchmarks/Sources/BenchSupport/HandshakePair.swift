// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Crypto
import ENR

/// A discv5 node for benchmarks: a fixed key, a record, and a sans-I/O protocol machine.
public struct BenchNode {
    /// The node's endpoint on the (imaginary) network.
    public let endpoint: NodeEndpoint
    /// The record (signed by the node's key).
    public let record: ENR
    /// The protocol machine.
    public let machine: Discv5Protocol

    /// The contact other machines address this node by.
    public var contact: NodeContact { NodeContact(record: self.record, endpoint: self.endpoint) }

    /// Makes a node whose key is derived from `index`, at 10.x.y.z:`port`.
    /// - Parameters:
    ///   - index: Distinguishes keys and addresses.
    public init(index: Int) {
        var raw = [UInt8](repeating: 0x24, count: 32)
        withUnsafeBytes(of: UInt32(index + 1).bigEndian) { raw.replaceSubrange(0..<4, with: $0) }
        let key = try! Secp256k1.PrivateKey(rawRepresentation: raw)
        let ip = IPAddress(bytes: [
            10, UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8),
            UInt8(truncatingIfNeeded: index),
        ])!
        self.endpoint = NodeEndpoint(ip: ip, port: 30303)
        var builder = ENRBuilder(seq: 1)
        builder.setUDPEndpoint(ip, port: 30303)
        self.record = try! builder.sign(with: key)
        var configuration = Discv5Configuration()
        // Benchmarks run handshakes back to back from one address; the WHOAREYOU limiter is a
        // defence against floods, not part of the per-handshake cost measured here.
        configuration.whoAreYouRateLimit = .init(
            burst: 1 << 30,
            refillInterval: .nanoseconds(1),
            maximumTrackedKeys: 1 << 20
        )
        configuration.sessionCapacity = 1 << 20
        self.machine = Discv5Protocol(
            configuration: configuration,
            privateKey: key,
            localRecord: self.record,
            now: .zero
        )
    }
}

/// Delivers every queued datagram between the machines until both are quiet.
///
/// - Parameters:
///   - nodes: The machines taking part, found by endpoint.
///   - now: The time given to each machine.
/// - Returns: How many requests got a response.
@discardableResult
public func pump(_ nodes: [NodeEndpoint: Discv5Protocol], now: Discv5Instant) -> Int {
    var responses = 0
    var progress = true
    while progress {
        progress = false
        for (endpoint, machine) in nodes {
            while let action = machine.nextAction() {
                progress = true
                switch action {
                case .send(let bytes, let destination):
                    nodes[destination]?.handleDatagram(bytes, from: endpoint, now: now)
                case .response:
                    responses += 1
                default:
                    break
                }
            }
        }
    }
    return responses
}

/// Runs one full handshake (random packet, WHOAREYOU, handshake packet with a PING, PONG) from
/// `initiator` to `recipient`; both keep the session (``forgetSession(between:and:)`` drops it).
///
/// - Parameters:
///   - initiator: The node that sends the PING.
///   - recipient: The node that answers.
///   - now: The time given to both machines.
/// - Returns: Whether the PING got its PONG.
public func handshake(from initiator: BenchNode, to recipient: BenchNode, now: Discv5Instant) -> Bool {
    initiator.machine.sendRequest(.ping, to: recipient.contact, mode: .expectResponse, now: now)
    let responses = pump([initiator.endpoint: initiator.machine, recipient.endpoint: recipient.machine], now: now)
    return responses == 1
}

/// Drops the session between two nodes on both sides, so the next request starts a handshake.
/// - Parameters:
///   - first: One node.
///   - second: The other.
public func forgetSession(between first: BenchNode, and second: BenchNode) {
    first.machine.dropSession(with: second.record.nodeID, at: second.endpoint)
    second.machine.dropSession(with: first.record.nodeID, at: first.endpoint)
}
