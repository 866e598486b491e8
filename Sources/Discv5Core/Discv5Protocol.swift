// SPDX-License-Identifier: Apache-2.0

import DequeModule
import Discv5Crypto
import Discv5Wire
import ENR

/// The sans-I/O Discovery v5.1 protocol machine: packets, handshakes, sessions and requests.
///
/// It never touches a socket, a clock or the system's randomness: the shell feeds it
/// datagrams and the time, and drains the ``Action``s it produces:
///
/// ```swift
/// machine.handleDatagram(bytes, from: endpoint, now: clock.now)   // on every datagram
/// machine.handleTimeouts(now: clock.now)                          // when nextDeadline passes
/// let handle = machine.sendRequest(.ping, to: contact, mode: .expectResponse, now: clock.now)
/// while let action = machine.nextAction() { perform(action) }     // after every input
/// // re-arm one timer at machine.nextDeadline
/// ```
///
/// What it does on its own (devp2p `discv5-wire.md`, `discv5-theory.md` "Sessions"):
/// - answers undecryptable packets with WHOAREYOU (rate-limited per source IP; a repeat packet
///   while the challenge lives gets the identical cached WHOAREYOU), completes handshakes as
///   recipient and as initiator, and keeps sessions in an LRU cache keyed by node id and
///   endpoint;
/// - answers PING and FINDNODE itself (FINDNODE through the `findNodeResponder` given at init;
///   distance 0 is our own record), and hands TALKREQ to the shell;
/// - tracks requests: 1 s per leg, restarted on WHOAREYOU and on each NODES packet, NODES
///   collected up to `total` packets.
///
/// A final class with one owner (an actor, or a class behind a lock): it holds cipher
/// contexts and is not `Sendable`, and takes no locks of its own. Peer input never traps and
/// never throws; drops are counted in ``metrics``.
public final class Discv5Protocol {
    /// The settings.
    public let configuration: Discv5Configuration
    /// Our node id.
    public let localNodeID: NodeID
    /// Our current record, sent in handshakes when the remote's copy is older.
    public private(set) var localRecord: ENR
    /// What happened to incoming datagrams, by reason.
    public internal(set) var metrics = Discv5Metrics()

    let privateKey: Secp256k1.PrivateKey
    let decoder: PacketDecoder
    var random: any RandomNumberGenerator
    let findNodeResponder: ([UInt16]) -> [ENR]
    let recordLookup: (NodeID) -> ENR?
    var sessions: SessionCache
    var challenges: ChallengeCache
    var whoAreYouLimiter: TokenBucketLimiter<IPAddress>
    var tracker = RequestTracker()
    /// No-response requests sent under a session, kept only for a WHOAREYOU that may answer them.
    var untracked: UntrackedSends
    /// Handshakes we started (random packet sent, or waiting for the triggering request's
    /// answer to it), with the requests queued behind them.
    var outgoingHandshakes: [NodeAddress: OutgoingHandshake] = [:]
    var actions: Deque<Action> = []
    var lastSessionSweep: Discv5Instant

    /// Creates a machine.
    ///
    /// - Parameters:
    ///   - configuration: The settings.
    ///   - privateKey: Our static key; `localRecord` must be signed by it.
    ///   - localRecord: Our record.
    ///   - now: The current time.
    ///   - random: The source of every random value (nonces, masking IVs, id-nonces, request ids,
    ///     ephemeral keys). Must be cryptographically secure outside tests; the default,
    ///     `SystemRandomNumberGenerator`, is.
    ///   - findNodeResponder: Returns the records to serve for FINDNODE distances (1...256;
    ///     distance 0 is answered with `localRecord` by the machine). Serve only nodes whose
    ///     liveness was checked. The machine keeps at most
    ///     ``Discv5Configuration/maximumNodesPerResponse`` of them.
    ///   - recordLookup: Returns the record we hold for a node id (e.g. from the routing table),
    ///     used for the `enr-seq` of WHOAREYOU, to verify handshakes that carry no record, and
    ///     for the public key of a contact given without one.
    public init(
        configuration: Discv5Configuration = Discv5Configuration(),
        privateKey: Secp256k1.PrivateKey,
        localRecord: ENR,
        now: Discv5Instant,
        random: any RandomNumberGenerator = SystemRandomNumberGenerator(),
        findNodeResponder: @escaping ([UInt16]) -> [ENR] = { _ in [] },
        recordLookup: @escaping (NodeID) -> ENR? = { _ in nil }
    ) {
        let nodeID = NodeID(publicKey: privateKey.publicKey)
        precondition(localRecord.nodeID == nodeID, "the local record must belong to the private key")
        self.configuration = configuration
        self.privateKey = privateKey
        self.localNodeID = nodeID
        self.localRecord = localRecord
        self.decoder = PacketDecoder(localNodeID: nodeID)
        self.random = BufferedSecureRandom.replacingSystem(random)
        self.untracked = UntrackedSends(
            capacity: Self.untrackedSendsCapacity,
            requestIDBase: self.random.next()
        )
        self.findNodeResponder = findNodeResponder
        self.recordLookup = recordLookup
        self.sessions = SessionCache(
            capacity: configuration.sessionCapacity,
            idleTimeout: configuration.sessionIdleTimeout
        )
        self.challenges = ChallengeCache(capacity: configuration.challengeCapacity)
        self.whoAreYouLimiter = TokenBucketLimiter(configuration: configuration.whoAreYouRateLimit)
        self.lastSessionSweep = now
    }

    /// The most no-response requests remembered for a WHOAREYOU (see ``UntrackedSends``).
    static let untrackedSendsCapacity = 4096

    // MARK: - Shell interface

    /// The next thing to do, or `nil` when there is nothing. Call in a loop after every input.
    public func nextAction() -> Action? {
        actions.popFirst()
    }

    /// When ``handleTimeouts(now:)`` must next be called, or `nil` when no timer runs.
    public var nextDeadline: Discv5Instant? {
        tracker.nextDeadline()
    }

    /// Replaces our record (for example after an endpoint vote bumped `seq`). Handshakes from
    /// now on offer it; PONGs carry its `seq`; FINDNODE distance 0 serves it.
    ///
    /// - Parameters:
    ///   - record: The new record, signed by our key.
    public func updateLocalRecord(_ record: ENR) {
        precondition(record.nodeID == localNodeID, "the local record must belong to the private key")
        localRecord = record
    }

    /// Whether a session with `nodeID` at `endpoint` exists (and is not idle-expired).
    ///
    /// - Parameters:
    ///   - nodeID: The node.
    ///   - endpoint: Its endpoint.
    ///   - now: The current time.
    public func hasSession(with nodeID: NodeID, at endpoint: NodeEndpoint, now: Discv5Instant) -> Bool {
        guard let session = sessions.peek(NodeAddress(nodeID: nodeID, endpoint: endpoint)) else { return false }
        return session.lastUsed.advanced(by: configuration.sessionIdleTimeout) > now
    }

    /// The number of sessions held.
    public var sessionCount: Int { sessions.count }

    /// The number of requests in flight or queued.
    public var pendingRequestCount: Int { tracker.count }

    /// Forgets the session with a node at an endpoint (the next packet handshakes again).
    ///
    /// - Parameters:
    ///   - nodeID: The node.
    ///   - endpoint: Its endpoint.
    public func dropSession(with nodeID: NodeID, at endpoint: NodeEndpoint) {
        sessions.remove(NodeAddress(nodeID: nodeID, endpoint: endpoint))
    }

    // MARK: - Helpers shared by the extensions

    func emit(_ action: Action) {
        actions.append(action)
    }

    func randomBytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = random.next() as UInt64
            for _ in 0..<8 where index < count {
                bytes[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return bytes
    }

    /// Whether `record` says the node lives at `endpoint` (same address family's `ip`/`udp`).
    func isTableEligible(_ record: ENR?, endpoint: NodeEndpoint) -> Bool {
        guard let record else { return false }
        let advertised = endpoint.ip.isIPv4 ? record.udpEndpoint : record.udp6Endpoint
        guard let advertised else { return false }
        return advertised.ip == endpoint.ip && advertised.port == endpoint.port
    }

    func count(_ counter: WritableKeyPath<Discv5Metrics, UInt64>) {
        metrics[keyPath: counter] &+= 1
    }
}

@available(*, unavailable)
extension Discv5Protocol: Sendable {}
