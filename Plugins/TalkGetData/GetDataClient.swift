// SPDX-License-Identifier: Apache-2.0

import Discv5
import ENR
import UTP

/// The requester side of `getdata`: asks a peer for the value under a key.
///
/// Small values come back inline in the TALKRESP; large ones over a uTP stream the client opens
/// with the connection id of the response, read until exactly the announced length arrived. A
/// short stream, a reset or a timeout throws: a returned value is always complete.
///
/// Transfers to one peer are limited to ``maximumConcurrentTransfersPerPeer`` at a time (further
/// requests wait for a slot in order), so a burst of gets stays below the responder's per-peer
/// uTP connection limit. Other transfers with the same peer (this node's or other clients') can
/// still fill a limit, so two more safeguards apply: a ``GetDataResponse/busy`` answer is
/// retried ``busyRetries`` times with a doubling pause (100 ms, 200 ms, … at most 1 s) before it
/// surfaces as ``TalkGetDataError`` `busy`, and when this node's own per-peer limit is full the
/// client waits (polling, at most 10 s, inside the responder's 20 s expectation) before it
/// connects.
///
/// ```swift
/// let client = GetDataClient(node: node)
/// let bytes = try await client.get(key: Array("hello.txt".utf8), from: peerRecord)
/// ```
public struct GetDataClient: Sendable {
    /// The node requests are sent from.
    public let node: Node
    /// The TALKREQ protocol id (default ``GetData/protocolID``).
    public let protocolID: [UInt8]
    /// The largest value accepted, in bytes (default 1 GiB); a longer announcement is refused.
    public let maximumLength: UInt64
    /// The most transfers to one peer at a time (default 8).
    public let maximumConcurrentTransfersPerPeer: Int
    /// How often a `busy` answer is retried (default 8: about 5.5 s of pauses).
    public let busyRetries: Int

    private let limiter: TransferLimiter<NodeID>

    /// Makes a client.
    ///
    /// - Parameters:
    ///   - node: The node requests are sent from.
    ///   - protocolID: The TALKREQ protocol id.
    ///   - maximumLength: The largest value accepted, in bytes.
    ///   - maximumConcurrentTransfersPerPeer: The most transfers to one peer at a time.
    ///   - busyRetries: How often a `busy` answer is retried.
    public init(
        node: Node,
        protocolID: [UInt8] = GetData.protocolID,
        maximumLength: UInt64 = 1 << 30,
        maximumConcurrentTransfersPerPeer: Int = 8,
        busyRetries: Int = 8
    ) {
        self.node = node
        self.protocolID = protocolID
        self.maximumLength = maximumLength
        self.maximumConcurrentTransfersPerPeer = max(1, maximumConcurrentTransfersPerPeer)
        self.busyRetries = max(0, busyRetries)
        self.limiter = TransferLimiter(limit: self.maximumConcurrentTransfersPerPeer)
    }

    /// Fetches the whole value under a key.
    ///
    /// - Parameters:
    ///   - key: The key, 1 to ``GetData/maximumKeyLength`` bytes.
    ///   - peer: The responder's record.
    ///   - progress: Called as bytes arrive with the count so far and the total.
    /// - Returns: The value, exactly as long as announced.
    /// - Throws: ``TalkGetDataError`` (`notFound`, `busy`, `valueTooLarge`, `shortTransfer`,
    ///   `longTransfer`, `rejected`, or a decoding code), `Discv5Error` (for example `timeout`),
    ///   `UTPError` (`connectionReset`, `timedOut`, `refused`).
    public func get(
        key: [UInt8],
        from peer: ENR,
        progress: (@Sendable (_ bytesSoFar: UInt64, _ total: UInt64) -> Void)? = nil
    ) async throws -> [UInt8] {
        try await self.getStream(key: key, from: peer, progress: progress).collect()
    }

    /// Starts fetching the value under a key, for a caller that consumes it as it arrives.
    ///
    /// - Parameters:
    ///   - key: The key, 1 to ``GetData/maximumKeyLength`` bytes.
    ///   - peer: The responder's record.
    ///   - progress: Called as bytes arrive with the count so far and the total.
    /// - Returns: The transfer: its length, its stream (for statistics), and its chunks.
    /// - Throws: As ``get(key:from:progress:)``, for what happens before the stream starts.
    public func getStream(
        key: [UInt8],
        from peer: ENR,
        progress: (@Sendable (_ bytesSoFar: UInt64, _ total: UInt64) -> Void)? = nil
    ) async throws -> GetDataTransfer {
        let payload = try GetDataRequest(key: key).encoded()
        let permit = try await self.limiter.acquire(peer.nodeID)
        var attempt = 0
        var rejections = 0
        while true {
            let answer = try await self.node.talk(protocol: self.protocolID, payload: payload, to: peer)
            guard !answer.isEmpty else {
                // Empty: the peer does not serve getdata, or its handlers were all busy (it answers
                // empty past its handler cap). Two quick retries tell the cases apart.
                rejections += 1
                guard rejections <= Self.emptyAnswerRetries else {
                    throw TalkGetDataError.make(.rejected, "the peer answered with an empty TALKRESP")
                }
                try await Task.sleep(for: .milliseconds(100 * rejections))
                continue
            }
            switch try GetDataResponse(decoding: answer) {
            case .inline(let value):
                permit.release()
                return GetDataTransfer(
                    length: UInt64(value.count),
                    stream: nil,
                    inlineValue: value,
                    progress: progress,
                    permit: nil
                )
            case .notFound:
                throw TalkGetDataError.make(.notFound, "the peer holds no value under this key")
            case .busy:
                attempt += 1
                guard attempt <= self.busyRetries else {
                    throw TalkGetDataError.make(.busy, "the peer stayed busy after \(self.busyRetries) retries")
                }
                // 100 ms, 200 ms, 400 ms, 800 ms, then 1 s: past the ~2 s a closed uTP connection still counts.
                try await Task.sleep(for: .milliseconds(min(100 << min(attempt - 1, 6), 1000)))
            case .connection(let id, let length):
                let stream = try await self.connect(connectionID: id, to: peer)
                guard length <= self.maximumLength else {
                    // Connect and reset at once, so the responder frees the slot now rather than
                    // when its expectation expires.
                    stream.reset()
                    throw TalkGetDataError.make(
                        .valueTooLarge,
                        "the value has \(length) bytes, more than the accepted \(self.maximumLength)"
                    )
                }
                return GetDataTransfer(length: length, stream: stream, progress: progress, permit: permit)
            }
        }
    }

    /// Opens the stream the responder announced. When this node's own uTP limits toward the peer
    /// are reached (other transfers with the same peer hold them), it waits for a free slot,
    /// polling every 20 ms for at most ``localSlotTimeout`` — well inside the responder's 20 s
    /// expectation — and then connects.
    private func connect(connectionID: UInt16, to peer: ENR) async throws -> UTPStream {
        let deadline = ContinuousClock.now + Self.localSlotTimeout
        let utpPeer = UTPPeer(record: peer)
        while true {
            if let utpPeer, !self.node.utp.canAccept(from: utpPeer), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                continue
            }
            do {
                return try await self.node.utp.connect(connectionID: connectionID, to: peer)
            } catch let error as UTPError where error.code == .connectionLimitReached && ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// How often an empty TALKRESP is retried before it surfaces as `rejected`.
    static let emptyAnswerRetries = 2

    /// How long ``getStream(key:from:progress:)`` waits for a local uTP slot toward the peer.
    static let localSlotTimeout: Duration = .seconds(10)
}
