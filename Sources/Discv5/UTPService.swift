// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import Logging
import UTP

/// The node's built-in uTP (BEP 29) service over TALKREQ: the shared way for sub-protocols to move more
/// bytes than fit one TALKRESP.
///
/// Every uTP packet travels as the `request` of a TALKREQ with protocol `utp`. The **connection-id handoff**
/// (ARCHITECTURE.md) decides the roles; with `X` the 2-byte id in the sub-protocol's response, read
/// big-endian, and all arithmetic mod 2^16:
///
/// | role | who | calls | receives on | sends on |
/// | --- | --- | --- | --- | --- |
/// | listener | answers with `X` (`Data`, `Content`, `Accept`) | ``expect(from:)`` / ``serve(_:to:)-(Array<UInt8>,_)`` **before** answering | `X+1` | `X` |
/// | initiator | reads `X` from the answer | ``connect(connectionID:to:)`` (its SYN carries `X`) | `X` | `X+1` |
///
/// Which side writes is the sub-protocol's choice (GetData/FindContent: the listener writes; Offer: the
/// initiator writes). The writer finishes with FIN; the reader reads to the end (or to the declared length).
///
/// ```swift
/// // Listener, in a TalkProtocolHandler:
/// let id = try context.utp.serve(bigValue, to: UTPPeer(request))      // expectation first
/// return encodeResponse(connectionID: id)                            // then the answer carrying X
///
/// // Initiator:
/// let answer = try await node.talk(protocol: myID, payload: ask, to: peer)
/// let stream = try await node.utp.connect(connectionID: decodeID(answer), to: peer)
/// let bytes = try await stream.readToEnd(maxBytes: limit)
/// ```
///
/// Errors are ``UTPError`` values: `connectionLimitReached` (limits, checked at ``expect(from:)`` and
/// ``connect(connectionID:to:)``; ask ``canAccept(from:)`` first to decline politely), `connectionIDInUse`
/// (the peer's id collides with one of ours), `refused` (the peer's firewall answered our SYN with a
/// RESET: it expects no such id), `timedOut` (no SYN-ACK, no SYN within the expectation's lifetime, or an
/// idle connection), `connectionReset`, and `closed` (node shut down, expectation cancelled). A transfer
/// never ends short as if it succeeded: reads end normally only at the writer's FIN.
public struct UTPService: Sendable {
    let core: UTPServiceCore?

    init(core: UTPServiceCore?) {
        self.core = core
    }

    /// A service with no node behind it: every call throws ``UTPError`` `closed` (for ``TalkContext``
    /// values made in handler unit tests).
    public static let detached = UTPService(core: nil)

    private func running() throws(UTPError) -> UTPServiceCore {
        guard let core = self.core else { throw UTPError.closed("no node behind this uTP service") }
        return core
    }

    /// Initiator: opens a stream to `peer` with the connection id the peer sent in its response, and waits
    /// for the handshake. The SYN carries `X`; we receive on `X` and send on `X+1`.
    ///
    /// - Parameters:
    ///   - connectionID: `X`, as read (big-endian) from the peer's response.
    ///   - peer: The peer's record (its endpoint and, for a handshake, its public key).
    /// - Returns: The connected stream.
    /// - Throws: ``UTPError`` `connectionLimitReached`, `connectionIDInUse`, `refused` (nobody expects
    ///   `X`), `timedOut` (no SYN-ACK after the SYN retries, about 10 s), `closed`; ``Discv5Error``
    ///   `noEndpoint` for a record without a usable endpoint; `CancellationError`.
    public func connect(connectionID: UInt16, to peer: ENR) async throws -> UTPStream {
        let core = try self.running()
        let contact = try core.contact(for: peer)
        var utpPeer = UTPPeer(nodeID: contact.nodeID, endpoint: contact.endpoint)
        utpPeer.record = peer
        try core.reserveInitiator(utpPeer, connectionID: connectionID)
        let streamCore: UTPStreamCore
        do {
            streamCore = try await core.hop.submit { [utpPeer] engine, sink in
                try engine.withUTP(sink: &sink) { host, _, now in
                    try host.connect(utpPeer, connectionID: connectionID, now: now)
                }
            }
        } catch let error as UTPError {
            throw error
        } catch {
            // The loop never ran the call: the reservation is still ours to release.
            core.release(utpPeer, receiveID: connectionID)
            throw UTPError.closed("the node is shut down")
        }
        let stream = UTPStream(core: streamCore, driver: core.driver, closeTimeout: core.configuration.closeTimeout)
        do {
            try await streamCore.wait(for: .connect)
        } catch {
            stream.reset()
            throw error
        }
        if let error = streamCore.connectError { throw error }
        return stream
    }

    /// Listener: registers "expect a SYN from this node" **before** the response that carries the id is
    /// sent. Picks `X` at random, unique per peer for both `X` and `X+1` among live and pending connections;
    /// the expectation lasts ``UTPServiceConfiguration/expectationLifetime`` (20 s). A SYN matching nothing
    /// pending is refused.
    ///
    /// The registration reaches the event loop before any TALKRESP the caller sends afterwards, so the
    /// peer's SYN can never arrive first.
    ///
    /// - Parameters:
    ///   - peer: The only node (and endpoint) that may connect; usually `UTPPeer(request)`.
    /// - Returns: The expectation; put its ``UTPExpectation/connectionID`` in the response and call
    ///   ``UTPExpectation/accept()``.
    /// - Throws: ``UTPError`` `connectionLimitReached` (total or per-peer limit, counting pending
    ///   expectations), `closed` after shutdown.
    public func expect(from peer: UTPPeer) throws -> UTPExpectation {
        let core = try self.running()
        let connectionID = try core.reserveListener(peer)
        let expectation = UTPExpectation(connectionID: connectionID, peer: peer, service: core)
        guard core.track(expectation) else {
            core.release(peer, receiveID: expectation.receiveID)
            throw UTPError.closed("the node is shut down")
        }
        core.hop.execute { engine, sink in
            do {
                try engine.withUTP(sink: &sink) { host, _, now in host.register(expectation, now: now) }
            } catch {
                core.release(peer, receiveID: expectation.receiveID)
                expectation.fail(UTPError.closed("the node is not running"))
            }
        }
        return expectation
    }

    /// Listener convenience for "answer with an id, then write these bytes and FIN" (GetData, FindContent):
    /// registers the expectation and returns `X`; when the SYN arrives, writes `bytes`, then FIN, in the
    /// background. Failures (no SYN in time, reset, timeout) are logged at `debug` and counted
    /// (``NodeMetrics/utpServesFailed``); a peer that resets after our FIN, or vanishes after acknowledging
    /// every byte, counts as success.
    ///
    /// - Parameters:
    ///   - bytes: What to send.
    ///   - peer: The only node that may connect.
    /// - Returns: `X`, to put in the response.
    /// - Throws: What ``expect(from:)`` throws.
    public func serve(_ bytes: [UInt8], to peer: UTPPeer) throws -> UInt16 {
        let expectation = try self.expect(from: peer)
        let core = try self.running()
        Task {
            await Self.run(expectation, core: core) { stream in try await stream.write(bytes) }
        }
        return expectation.connectionID
    }

    /// Like ``serve(_:to:)-(Array<UInt8>,_)``, streaming from an async source of chunks (for example a file
    /// read in 64 KiB chunks). Each chunk is written with backpressure: the source is not asked for the
    /// next chunk until the connection's send buffer took the previous one. An error thrown by the source
    /// resets the stream (the reader sees a failure, never short data).
    ///
    /// - Parameters:
    ///   - source: The chunks, in order.
    ///   - peer: The only node that may connect.
    /// - Returns: `X`, to put in the response.
    /// - Throws: What ``expect(from:)`` throws.
    public func serve<Source: AsyncSequence & Sendable>(
        _ source: Source,
        to peer: UTPPeer
    ) throws -> UInt16 where Source.Element == [UInt8] {
        let expectation = try self.expect(from: peer)
        let core = try self.running()
        Task {
            await Self.run(expectation, core: core) { stream in
                for try await chunk in source { try await stream.write(chunk) }
            }
        }
        return expectation.connectionID
    }

    /// Accepts, writes, finishes and closes; logs and counts the outcome.
    private static func run(
        _ expectation: UTPExpectation,
        core: UTPServiceCore,
        write: (UTPStream) async throws -> Void
    ) async {
        let stream: UTPStream
        do {
            stream = try await expectation.accept()
        } catch {
            core.countServe(succeeded: false)
            core.logger.debug(
                "uTP serve: no connection",
                metadata: ["peer": "\(expectation.peer)", "id": "\(expectation.connectionID)", "error": "\(error)"]
            )
            return
        }
        do {
            try await write(stream)
        } catch {
            stream.reset()
            core.countServe(succeeded: false)
            core.logger.debug(
                "uTP serve: write failed",
                metadata: ["peer": "\(expectation.peer)", "id": "\(expectation.connectionID)", "error": "\(error)"]
            )
            return
        }
        await stream.close()
        let succeeded = stream.core.closeReason == .finished
        core.countServe(succeeded: succeeded)
        if !succeeded {
            core.logger.debug(
                "uTP serve: the transfer did not complete",
                metadata: [
                    "peer": "\(expectation.peer)", "id": "\(expectation.connectionID)",
                    "reason": "\(stream.core.closeReason.map { "\($0)" } ?? "open")",
                ]
            )
        }
    }

    /// Live connections plus pending expectations (and calls on their way to the event loop), so a
    /// sub-protocol can decline ("rate limited") instead of failing later.
    public var activeConnectionCount: Int {
        self.core?.activeConnectionCount ?? 0
    }

    /// Whether one more connection or expectation with `peer` is within the total and per-peer limits
    /// (pending expectations included).
    ///
    /// - Parameters:
    ///   - peer: The peer.
    /// - Returns: `false` when ``expect(from:)`` would throw `connectionLimitReached`, or after shutdown.
    public func canAccept(from peer: UTPPeer) -> Bool {
        self.core?.canAccept(from: peer) ?? false
    }
}
