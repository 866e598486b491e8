// SPDX-License-Identifier: Apache-2.0

import ENR

/// Gathers the NODES packets that answer one FINDNODE.
///
/// discv5-wire.md, NODES: "`total` is the total number of responses to the request", so a
/// large answer arrives as several packets. Rules here:
/// - The first packet's `total` is authoritative; later packets' `total` is ignored.
/// - `total` is clamped to 1 through ``maximumResponseCount`` (16): a `total` of 0 still counts the
///   packet that carried it, and no peer can keep a request open for more than 16 packets.
/// - Every record must lie at one of the asked distances from the peer
///   (``FindNodeDistances``); others are dropped and counted in ``rejectedRecordCount``.
/// - A node returned twice keeps its highest-`seq` record.
/// - Once complete, further packets are ignored.
public struct NodesResponseCollector: Sendable {
    /// The most NODES packets accepted for one request: a DoS bound on how long one peer can
    /// keep a request open and how much it can make us verify (ARCHITECTURE.md, "NODES":
    /// accept ≤ 16 packets).
    public static let maximumResponseCount = 16

    /// What ``receive(total:records:)`` did.
    public enum Outcome: Sendable, Equatable {
        /// The packet was taken; `remaining` more are expected. Restart the request timer.
        case expectingMore(remaining: Int)
        /// That was the last packet: ``records`` holds the whole answer.
        case complete
        /// The response was already complete; the packet was not looked at.
        case ignored
    }

    /// The node that was asked.
    public let peer: NodeID
    /// The distances the FINDNODE asked for.
    public let askedDistances: [UInt16]
    /// The valid records received so far, in arrival order, one per node.
    public private(set) var records: [ENR] = []
    /// The number of packets announced by the first one (after clamping); `nil` before it.
    public private(set) var expectedCount: Int?
    /// The number of packets taken so far.
    public private(set) var receivedCount = 0
    /// Records dropped for lying outside the asked distances.
    public private(set) var rejectedRecordCount = 0

    private var positions: [NodeID: Int] = [:]

    /// Starts collecting the answer to one FINDNODE.
    /// - Parameters:
    ///   - peer: the node asked.
    ///   - askedDistances: the distances of the FINDNODE.
    public init(peer: NodeID, askedDistances: [UInt16]) {
        self.peer = peer
        self.askedDistances = askedDistances
    }

    /// Whether every announced packet has arrived.
    public var isComplete: Bool {
        guard let expectedCount else { return false }
        return receivedCount >= expectedCount
    }

    /// Takes one NODES packet.
    /// - Parameters:
    ///   - total: the packet's `total` field.
    ///   - records: the packet's records (signatures already verified by ``ENR``).
    /// - Returns: whether more packets are expected.
    public mutating func receive(total: UInt64, records incoming: [ENR]) -> Outcome {
        guard !isComplete else { return .ignored }
        if expectedCount == nil {
            expectedCount = Int(min(max(total, 1), UInt64(Self.maximumResponseCount)))
        }
        receivedCount += 1
        for record in incoming {
            guard FindNodeDistances.record(record, matches: askedDistances, from: peer) else {
                rejectedRecordCount += 1
                continue
            }
            if let position = positions[record.nodeID] {
                if record.seq > records[position].seq { records[position] = record }
            } else {
                positions[record.nodeID] = records.count
                records.append(record)
            }
        }
        let remaining = (expectedCount ?? 1) - receivedCount
        return remaining > 0 ? .expectingMore(remaining: remaining) : .complete
    }
}
