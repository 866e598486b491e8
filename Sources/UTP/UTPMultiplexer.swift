// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// Many uTP connections sharing one transport, sans-I/O.
///
/// Connections are keyed by (peer, receive id). The shell drives it like this:
/// ```swift
/// // on a batch of datagrams:
/// for (bytes, peer) in batch { mux.handle(datagram: bytes, from: peer, now: now) }
/// mux.flushAcks()                       // at most one STATE per connection per batch
/// // after any input, API call or timer:
/// if let d = mux.nextDeadline, d <= now { mux.handleTimeout(now: now) }
/// while let peer = mux.pollTransmit(now: now, into: &buffer) { send(buffer, to: peer) }
/// while let event = mux.pollEvent() { deliver(event) }
/// // re-arm the timer at mux.nextDeadline
/// ```
///
/// Connection-id handoff (discv5 TALKREQ, ARCHITECTURE.md): with `X` the id in the listener's
/// response, the listener calls ``expect(from:connectionID:expiry:)`` (receive `X+1`, send `X`) and
/// the initiator ``connect(to:connectionID:now:)`` (receive `X`, send `X+1`; the SYN carries `X`).
/// All arithmetic wraps at 2^16. A SYN matching nothing pending is refused: answered with ST_RESET
/// (``Configuration/refusal`` `.reset`, the default, like libutp) or silently dropped (`.drop`);
/// raw-UDP listeners may instead accept any SYN (``Configuration/acceptsUnexpectedConnections``).
/// Packets for unknown connections other than SYN/STATE/RESET get the same refusal treatment.
public struct UTPMultiplexer<Peer: Hashable & Sendable>: Sendable {
    /// How unexpected SYNs and packets for unknown connections are answered.
    public enum Refusal: Hashable, Sendable {
        /// Answer with ST_RESET (libutp behaviour; the initiator fails fast with `.refused`).
        case reset
        /// Drop silently.
        case drop
    }

    /// Multiplexer tunables.
    public struct Configuration: Sendable {
        /// Settings of every connection.
        public var connection = UTPConfiguration()
        /// Most connections and pending expectations in total. Default 1024: each connection
        /// may buffer up to its receive window and send buffer (1 MiB each by default), so this
        /// is what bounds uTP memory when many peers connect; 1024 is far above the transfers a
        /// node serves at once.
        public var maximumConnections = 1024
        /// Most connections and pending expectations per peer. Default 16: a sub-protocol opens
        /// one connection per transfer, and one peer (or one spoofed source in accept mode) can
        /// take no more than 16 of the ``maximumConnections`` slots.
        public var maximumConnectionsPerPeer = 16
        /// Most closed connections kept for their linger (``UTPConfiguration/closedLinger``). Default 1024.
        ///
        /// A closed connection with nothing left to read holds no buffers (about 1.4 KiB) and no longer
        /// counts toward ``maximumConnections`` or ``maximumConnectionsPerPeer``: it only keeps its ids, so a
        /// retransmitted FIN is acknowledged again and a late packet is not taken for a new connection.
        /// Counting it would cap the rate of back-to-back transfers with one peer at the per-peer limit
        /// divided by the linger. Past this many, the oldest is forgotten when a new connection or
        /// expectation is admitted; so at most this many plus ``maximumConnections`` are ever kept.
        public var maximumLingeringConnections = 1024
        /// Accept SYNs nobody expected (raw-UDP listener mode). Default `false` (firewall).
        public var acceptsUnexpectedConnections = false
        /// Treatment of refused packets. Default `.reset`.
        public var refusal: Refusal = .reset

        /// Creates the default configuration.
        public init() {}
    }

    /// Something for the upper layer.
    public enum Event: Hashable, Sendable {
        /// An unexpected SYN was accepted (only with ``Configuration/acceptsUnexpectedConnections``).
        case accepted(UTPConnectionHandle, Peer)
        /// An event of one connection.
        case connection(UTPConnectionHandle, UTPConnectionEvent)
        /// A pending expectation expired without a SYN; the handle is gone.
        case expectationExpired(UTPConnectionHandle)
        /// A connection is closed and has nothing left to read: it no longer counts toward the limits
        /// (``Configuration/maximumLingeringConnections``). Its ids stay in use until the handle is gone.
        case lingering(UTPConnectionHandle)
    }

    struct Key: Hashable, Sendable {
        var peer: Peer
        var receiveID: UInt16
    }

    /// A connection behind one reference: moving the (large) connection value out of its slot and back on
    /// every packet, and copying it whole to read its deadline, cost more than the packet's own work.
    /// Copy-on-write keeps the multiplexer a value: a shared box is cloned before it changes.
    final class ConnectionBox: @unchecked Sendable {
        var connection: UTPConnection

        init(_ connection: UTPConnection) {
            self.connection = connection
        }
    }

    enum Slot: Sendable {
        case pending(sendID: UInt16, expiry: UInt64)
        case live(ConnectionBox)

        static func live(_ connection: UTPConnection) -> Slot {
            .live(ConnectionBox(connection))
        }

        /// Runs `body` on the live connection in place (the enum briefly holds a placeholder so the box is
        /// uniquely referenced, and cloned first if it is not); `nil` for a pending slot.
        mutating func modifyConnection<R>(_ body: (inout UTPConnection) -> R) -> R? {
            guard case .live(var box) = self else { return nil }
            self = .pending(sendID: 0, expiry: 0)
            if !isKnownUniquelyReferenced(&box) { box = ConnectionBox(box.connection) }
            defer { self = .live(box) }
            return body(&box.connection)
        }

        /// Whether the slot holds a connection (no copy of it is made).
        var isLive: Bool {
            if case .live = self { return true }
            return false
        }

        /// The expectation's state, for a pending slot.
        var pendingState: (sendID: UInt16, expiry: UInt64)? {
            if case .pending(let sendID, let expiry) = self { return (sendID, expiry) }
            return nil
        }
    }

    struct Entry: Sendable {
        var key: Key
        var slot: Slot
        /// Closed with nothing left to read: counted in `lingeringCount`, not in `activeCount` or `perPeer`.
        var isLingering = false
    }

    /// RESETs for refused packets that wait for ``pollTransmit(now:into:)`` at most: 1024. A
    /// flood of packets for unknown connections between two polls gets no more answers.
    public static var maximumQueuedRefusals: Int { 1024 }

    /// The configuration in force.
    public let configuration: Configuration
    private var entries: [UTPConnectionHandle: Entry] = [:]
    /// Every entry's timer, so finding the next deadline and the due connections costs no scan of all
    /// connections (closed ones linger seconds, so hundreds may sit in the table during many short transfers).
    private var timers = UTPTimerHeap()
    private var routes: [Key: UTPConnectionHandle] = [:]
    /// Entries that count toward the limits (all but the lingering ones), in total and per peer.
    private var activeCount = 0
    private var perPeer: [Peer: Int] = [:]
    /// Lingering entries, oldest first; a handle released meanwhile stays until it reaches the front
    /// or the list is compacted.
    private var lingeringOrder: Deque<UTPConnectionHandle> = []
    /// Lingering entries still held.
    public private(set) var lingeringCount = 0
    /// Lingering connections forgotten before their linger ended, to stay within
    /// ``Configuration/maximumLingeringConnections``.
    public private(set) var lingeringForgotten: UInt64 = 0
    private var transmitQueue: Deque<UTPConnectionHandle> = []
    private var queued: Set<UTPConnectionHandle> = []
    private var receivedInBatch: [UTPConnectionHandle] = []
    private var control: Deque<(Peer, UTPPacket)> = []
    private var events: Deque<Event> = []
    private var nextHandle: UInt64 = 1
    private var randomState: UInt64

    /// Creates a multiplexer.
    /// - Parameters:
    ///   - configuration: Tunables.
    ///   - seed: Seed of the internal generator for connection ids and initial sequence numbers
    ///     (the core never reads a random source; the shell passes fresh system randomness here).
    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        self.configuration = configuration
        self.randomState = seed
    }

    /// Number of live connections (lingering ones included) plus pending expectations.
    public var count: Int { self.entries.count }

    /// Number of connections and pending expectations that count toward the limits: ``count`` less
    /// ``lingeringCount``.
    public var activeConnectionCount: Int { self.activeCount }

    // MARK: - Opening

    /// Opens a connection with random ids (BEP 29 raw-UDP mode: receive `R`, send `R+1`).
    /// - Parameters:
    ///   - peer: The remote.
    ///   - now: The current time.
    /// - Returns: The new connection's handle.
    /// - Throws: ``UTPError`` `connectionLimitReached`.
    public mutating func connect(to peer: Peer, now: UTPInstant) throws(UTPError) -> UTPConnectionHandle {
        for _ in 0..<64 {
            let id = UInt16(truncatingIfNeeded: self.nextRandom())
            if self.routes[Key(peer: peer, receiveID: id)] == nil {
                return try self.connect(to: peer, connectionID: id, now: now)
            }
        }
        throw UTPError.connectionIDInUse(0)
    }

    /// Opens a connection as the initiator of the handoff: receive `X`, send `X+1`, SYN carries `X`.
    /// - Parameters:
    ///   - peer: The remote.
    ///   - connectionID: `X`.
    ///   - now: The current time.
    /// - Returns: The new connection's handle.
    /// - Throws: ``UTPError`` `connectionLimitReached` or `connectionIDInUse`.
    public mutating func connect(
        to peer: Peer,
        connectionID: UInt16,
        now: UTPInstant
    ) throws(UTPError) -> UTPConnectionHandle {
        let key = Key(peer: peer, receiveID: connectionID)
        try self.checkAdmission(key)
        let connection = UTPConnection(
            initiatorReceiveID: connectionID,
            sendID: connectionID &+ 1,
            initialSequenceNumber: UInt16(truncatingIfNeeded: self.nextRandom()),
            configuration: self.configuration.connection,
            now: now
        )
        let handle = self.insert(key, .live(connection))
        self.markDirty(handle)
        return handle
    }

    /// Registers the listener side of the handoff before the response carrying `X` is sent:
    /// a SYN from `peer` carrying `X` creates a connection with receive `X+1`, send `X`.
    /// - Parameters:
    ///   - peer: The only peer allowed to connect.
    ///   - connectionID: `X`.
    ///   - expiry: When the expectation lapses (the architecture keeps it 20 s).
    /// - Returns: The handle the connection will have.
    /// - Throws: ``UTPError`` `connectionLimitReached` or `connectionIDInUse`.
    public mutating func expect(
        from peer: Peer,
        connectionID: UInt16,
        expiry: UTPInstant
    ) throws(UTPError) -> UTPConnectionHandle {
        let key = Key(peer: peer, receiveID: connectionID &+ 1)
        // X must be unique too: a later initiator connection to this peer must not collide.
        if self.routes[Key(peer: peer, receiveID: connectionID)] != nil {
            throw UTPError.connectionIDInUse(connectionID)
        }
        try self.checkAdmission(key)
        return self.insert(key, .pending(sendID: connectionID, expiry: expiry.nanoseconds))
    }

    /// Whether `X` is free for a new expectation with `peer`: neither `X` nor `X+1` is a receive or
    /// send id of a live or pending connection with that peer (every connection uses an adjacent
    /// pair, so receive ids `X−1 … X+2` must all be unused).
    /// - Parameters:
    ///   - connectionID: `X`.
    ///   - peer: The remote.
    public func isConnectionIDAvailable(_ connectionID: UInt16, for peer: Peer) -> Bool {
        for offset: UInt16 in [0xFFFF, 0, 1, 2]
        where self.routes[Key(peer: peer, receiveID: connectionID &+ offset)] != nil {
            return false
        }
        return true
    }

    private func checkAdmission(_ key: Key) throws(UTPError) {
        guard self.routes[key] == nil else { throw UTPError.connectionIDInUse(key.receiveID) }
        guard self.activeCount < self.configuration.maximumConnections else {
            throw UTPError.connectionLimitReached("total connection limit \(self.configuration.maximumConnections)")
        }
        guard (self.perPeer[key.peer] ?? 0) < self.configuration.maximumConnectionsPerPeer else {
            throw UTPError.connectionLimitReached("per-peer limit \(self.configuration.maximumConnectionsPerPeer)")
        }
    }

    private mutating func insert(_ key: Key, _ slot: Slot) -> UTPConnectionHandle {
        // Here, not where a connection starts to linger: that happens inside calls that hold an index
        // into `entries`, which a removal would invalidate.
        while self.lingeringCount >= max(1, self.configuration.maximumLingeringConnections),
            let oldest = self.lingeringOrder.popFirst()
        {
            if self.entries[oldest]?.isLingering == true {
                self.remove(oldest)
                self.lingeringForgotten &+= 1
            }
        }
        let handle = UTPConnectionHandle(rawValue: self.nextHandle)
        self.nextHandle += 1
        self.entries[handle] = Entry(key: key, slot: slot)
        self.routes[key] = handle
        self.activeCount += 1
        self.perPeer[key.peer, default: 0] += 1
        if case .pending(_, let expiry) = slot {
            self.timers.push(UTPTimerHeap.Timer(deadline: expiry, handle: handle))
        } else if let index = self.entries.index(forKey: handle) {
            self.arm(handle, at: index)
        }
        return handle
    }

    /// Forgets a connection or expectation at once (no packet is sent; call ``reset(_:now:)`` first to abort politely).
    /// - Parameters:
    ///   - handle: The connection.
    public mutating func remove(_ handle: UTPConnectionHandle) {
        guard let entry = self.entries.removeValue(forKey: handle) else { return }
        self.routes[entry.key] = nil
        if entry.isLingering {
            self.lingeringCount -= 1
        } else {
            self.stopCounting(entry.key.peer)
        }
    }

    private mutating func stopCounting(_ peer: Peer) {
        self.activeCount -= 1
        let remaining = (self.perPeer[peer] ?? 1) - 1
        self.perPeer[peer] = remaining > 0 ? remaining : nil
    }

    /// The live connection at `index` closed with nothing left to read: it stops counting toward the limits.
    private mutating func startLingering(_ handle: UTPConnectionHandle, at index: [UTPConnectionHandle: Entry].Index) {
        guard !self.entries.values[index].isLingering else { return }
        self.entries.values[index].isLingering = true
        self.stopCounting(self.entries.values[index].key.peer)
        self.lingeringCount += 1
        self.lingeringOrder.append(handle)
        // Handles released by their timer stay in the list: drop them in bulk once they are the majority.
        if self.lingeringOrder.count > 2 * self.lingeringCount + 64 {
            let entries = self.entries
            self.lingeringOrder.removeAll { entries[$0]?.isLingering != true }
        }
        self.events.append(.lingering(handle))
    }

    // MARK: - Input

    /// Routes one datagram. Malformed datagrams are dropped without a trace beyond the return value.
    /// - Parameters:
    ///   - datagram: The bytes.
    ///   - peer: Where it came from.
    ///   - now: The current time.
    /// - Returns: Whether the datagram reached a connection.
    @discardableResult
    public mutating func handle(datagram: ArraySlice<UInt8>, from peer: Peer, now: UTPInstant) -> Bool {
        guard let packet = try? UTPPacket(decoding: datagram) else { return false }
        return self.handle(packet, from: peer, now: now)
    }

    /// Routes one decoded packet.
    /// - Parameters:
    ///   - packet: The packet.
    ///   - peer: Where it came from.
    ///   - now: The current time.
    /// - Returns: Whether the packet reached a connection.
    @discardableResult
    public mutating func handle(_ packet: UTPPacket, from peer: Peer, now: UTPInstant) -> Bool {
        // A SYN carries the initiator's receive id; our receive id is one more.
        let receiveID = packet.type == .syn ? packet.connectionID &+ 1 : packet.connectionID
        let key = Key(peer: peer, receiveID: receiveID)
        if let handle = self.routes[key], let kind = self.slotKind(handle) {
            // No copy of the entry may stay alive while the connection mutates: its buffers would be
            // copied on write (a whole receive buffer per packet).
            switch kind {
            case .live:
                self.withConnection(handle) { $0.handle(packet, now: now) }
                self.receivedInBatch.append(handle)
                return true
            case .pending(let sendID, let expiry):
                guard packet.type == .syn, now.nanoseconds < expiry,
                    let index = self.entries.index(forKey: handle)
                else { break }
                self.entries.values[index].slot = .live(
                    self.accept(packet, receiveID: receiveID, sendID: sendID, now: now)
                )
                self.arm(handle, at: index)
                self.drain(handle)
                self.markDirty(handle)
                return true
            }
        } else if packet.type == .syn, self.configuration.acceptsUnexpectedConnections,
            (try? self.checkAdmission(key)) != nil
        {
            let handle = self.insert(
                key,
                .live(self.accept(packet, receiveID: receiveID, sendID: packet.connectionID, now: now))
            )
            self.events.append(.accepted(handle, peer))
            self.drain(handle)
            self.markDirty(handle)
            return true
        }
        self.refuse(packet, from: peer)
        return false
    }

    private mutating func accept(_ syn: UTPPacket, receiveID: UInt16, sendID: UInt16, now: UTPInstant) -> UTPConnection
    {
        UTPConnection(
            acceptingSYN: syn,
            receiveID: receiveID,
            sendID: sendID,
            initialSequenceNumber: UInt16(truncatingIfNeeded: self.nextRandom()),
            configuration: self.configuration.connection,
            now: now
        )
    }

    private mutating func refuse(_ packet: UTPPacket, from peer: Peer) {
        switch (self.configuration.refusal, packet.type) {
        case (.drop, _), (.reset, .reset), (.reset, .state):
            return
        case (.reset, .syn), (.reset, .data), (.reset, .fin):
            // Bounded: one small reply per received packet, never larger than it, and at most
            // `maximumQueuedRefusals` waiting between two polls (a flood loses the surplus).
            guard self.control.count < Self.maximumQueuedRefusals else { return }
            self.control.append(
                (
                    peer,
                    UTPPacket(
                        type: .reset,
                        connectionID: packet.connectionID,
                        sequenceNumber: 0,
                        ackNumber: packet.sequenceNumber
                    )
                )
            )
        }
    }

    /// Ends a batch of received datagrams: each connection that got packets may now send one STATE.
    public mutating func flushAcks() {
        let batch = self.receivedInBatch
        self.receivedInBatch.removeAll(keepingCapacity: true)
        for handle in batch {
            self.withConnection(handle) { $0.flushAcks() }
        }
    }

    // MARK: - Output

    /// Produces the next datagram for any connection, round-robin.
    /// - Parameters:
    ///   - now: The current time.
    ///   - buffer: Receives exactly one datagram when a peer is returned.
    /// - Returns: The destination, or `nil` when nothing is left to send.
    public mutating func pollTransmit(now: UTPInstant, into buffer: inout [UInt8]) -> Peer? {
        if let (peer, packet) = self.control.popFirst() {
            var packet = packet
            packet.timestampMicroseconds = now.microsecondTimestamp
            packet.encode(into: &buffer)
            return peer
        }
        while let handle = self.transmitQueue.first {
            guard let index = self.entries.index(forKey: handle), self.entries.values[index].slot.isLive else {
                self.transmitQueue.removeFirst()
                self.queued.remove(handle)
                continue
            }
            let produced = self.modifyAndDrain(handle, at: index) { $0.pollTransmit(now: now, into: &buffer) }
            self.transmitQueue.removeFirst()
            if produced == true {
                self.transmitQueue.append(handle)
                return self.entries.values[index].key.peer
            }
            self.queued.remove(handle)
        }
        return nil
    }

    /// Removes and returns the next event.
    public mutating func pollEvent() -> Event? {
        self.events.popFirst()
    }

    // MARK: - Timers

    /// The earliest deadline over all connections and expectations, O(1). It may be early: a timer that moved
    /// later since it was armed makes one ``handleTimeout(now:)`` call that finds nothing due and re-arms it.
    public var nextDeadline: UTPInstant? {
        self.timers.minimum.map { UTPInstant(nanoseconds: $0.deadline) }
    }

    /// Fires due timers, expires expectations and releases finished connections.
    /// - Parameters:
    ///   - now: The current time.
    public mutating func handleTimeout(now: UTPInstant) {
        var expired: [UTPConnectionHandle] = []
        var released: [UTPConnectionHandle] = []
        var due: [UTPConnectionHandle] = []
        var early: [UTPConnectionHandle] = []
        while let timer = self.timers.minimum, timer.deadline <= now.nanoseconds {
            self.timers.popMinimum()
            // A stale timer (entry gone, or re-armed earlier since) is skipped.
            guard let index = self.entries.index(forKey: timer.handle) else { continue }
            if let (_, expiry) = self.entries.values[index].slot.pendingState {
                if expiry == timer.deadline { expired.append(timer.handle) }
                continue
            }
            let verdict = self.entries.values[index].slot.modifyConnection { connection -> TimerVerdict in
                guard connection.armedTimer == timer.deadline else { return .stale }
                connection.armedTimer = nil
                if connection.isClosed {
                    return connection.isReleasable(now: now) && connection.readableBytes == 0 ? .release : .early
                }
                if let deadline = connection.nextDeadline, deadline <= now { return .due }
                return .early
            }
            switch verdict {
            case .due: due.append(timer.handle)
            case .release: released.append(timer.handle)
            case .early: early.append(timer.handle)
            case .stale, nil: break
            }
        }
        for handle in due {
            self.withConnection(handle) { $0.handleTimeout(now: now) }
        }
        for handle in expired.sorted(by: { $0.rawValue < $1.rawValue }) {
            self.remove(handle)
            self.events.append(.expectationExpired(handle))
        }
        for handle in released { self.remove(handle) }
        for handle in early {
            if let index = self.entries.index(forKey: handle) { self.arm(handle, at: index) }
        }
    }

    private enum TimerVerdict {
        case due, release, early, stale
    }

    /// Arms the live connection's timer when its deadline is earlier than the one armed (a later one waits for
    /// the armed timer to fire early and re-arm). Works on the connection in place: no copy of the entry.
    private mutating func arm(_ handle: UTPConnectionHandle, at index: [UTPConnectionHandle: Entry].Index) {
        let armed = self.entries.values[index].slot.modifyConnection { $0.armTimer() } ?? nil
        if let armed { self.push(UTPTimerHeap.Timer(deadline: armed, handle: handle)) }
    }

    /// Pushes a timer; stale timers are dropped in bulk once they outnumber the entries.
    private mutating func push(_ timer: UTPTimerHeap.Timer) {
        self.timers.push(timer)
        guard self.timers.count > 2 * self.entries.count + 64 else { return }
        self.timers.rebuild(
            self.entries.compactMap { handle, entry in
                switch entry.slot {
                case .pending(_, let expiry): UTPTimerHeap.Timer(deadline: expiry, handle: handle)
                case .live(let box): box.connection.armedTimer.map { UTPTimerHeap.Timer(deadline: $0, handle: handle) }
                }
            }
        )
    }

    // MARK: - Application calls

    /// A snapshot of a connection (state, statistics, buffered byte counts).
    /// - Parameters:
    ///   - handle: The connection.
    public func connection(_ handle: UTPConnectionHandle) -> UTPConnection? {
        guard case .live(let box)? = self.entries[handle]?.slot else { return nil }
        return box.connection
    }

    /// Whether the handle names a pending expectation that has not seen its SYN yet.
    /// - Parameters:
    ///   - handle: The handle.
    public func isPending(_ handle: UTPConnectionHandle) -> Bool {
        guard case .pending? = self.entries[handle]?.slot else { return false }
        return true
    }

    /// Writes to a connection (see ``UTPConnection/write(_:)-(UnsafeRawBufferPointer)``).
    /// - Parameters:
    ///   - bytes: The bytes.
    ///   - handle: The connection.
    /// - Returns: Bytes accepted (0 for an unknown or pending handle).
    public mutating func write(_ bytes: UnsafeRawBufferPointer, to handle: UTPConnectionHandle) -> Int {
        var accepted = 0
        self.withConnection(handle) { accepted = $0.write(bytes) }
        return accepted
    }

    /// Reads from a connection.
    /// - Parameters:
    ///   - handle: The connection.
    ///   - maxBytes: The most bytes to return.
    public mutating func read(from handle: UTPConnectionHandle, maxBytes: Int = .max) -> [UInt8] {
        var bytes: [UInt8] = []
        self.withConnection(handle) { bytes = $0.read(maxBytes: maxBytes) }
        return bytes
    }

    /// Half-closes a connection's send side.
    /// - Parameters:
    ///   - handle: The connection.
    public mutating func finish(_ handle: UTPConnectionHandle) {
        self.withConnection(handle) { $0.finish() }
    }

    /// Aborts a connection with ST_RESET.
    /// - Parameters:
    ///   - handle: The connection.
    ///   - now: The current time.
    public mutating func reset(_ handle: UTPConnectionHandle, now: UTPInstant) {
        self.withConnection(handle) { $0.reset(now: now) }
    }

    // MARK: - Internals

    private enum SlotKind {
        case live
        case pending(sendID: UInt16, expiry: UInt64)
    }

    /// The kind of a handle's slot, without keeping a copy of its connection alive.
    private func slotKind(_ handle: UTPConnectionHandle) -> SlotKind? {
        guard let index = self.entries.index(forKey: handle) else { return nil }
        if let (sendID, expiry) = self.entries.values[index].slot.pendingState {
            return .pending(sendID: sendID, expiry: expiry)
        }
        return .live
    }

    private mutating func withConnection(_ handle: UTPConnectionHandle, _ body: (inout UTPConnection) -> Void) {
        guard let index = self.entries.index(forKey: handle) else { return }
        // Mutated in place through the dictionary's storage: the connection's buffers stay uniquely referenced.
        guard self.modifyAndDrain(handle, at: index, body) != nil else { return }
        self.markDirty(handle)
    }

    /// Runs `body` on the live connection at `index` in place, then queues the events it raised, all in one
    /// pass (each pass moves the connection out of its slot and back); `nil` for a pending slot.
    private mutating func modifyAndDrain<R>(
        _ handle: UTPConnectionHandle,
        at index: [UTPConnectionHandle: Entry].Index,
        _ body: (inout UTPConnection) -> R
    ) -> R? {
        var raised: [UTPConnectionEvent] = []
        var isSpent = false
        let result = self.entries.values[index].slot.modifyConnection { connection in
            let result = body(&connection)
            while let event = connection.pollEvent() { raised.append(event) }
            isSpent = connection.isClosed && connection.readableBytes == 0
            return result
        }
        for event in raised { self.events.append(.connection(handle, event)) }
        if isSpent { self.startLingering(handle, at: index) }
        if result != nil { self.arm(handle, at: index) }
        return result
    }

    private mutating func drain(_ handle: UTPConnectionHandle) {
        guard let index = self.entries.index(forKey: handle) else { return }
        while let event = self.entries.values[index].slot.modifyConnection({ $0.pollEvent() }) ?? nil {
            self.events.append(.connection(handle, event))
        }
    }

    private mutating func markDirty(_ handle: UTPConnectionHandle) {
        if self.queued.insert(handle).inserted { self.transmitQueue.append(handle) }
    }

    /// SplitMix64: ids and initial sequence numbers only; uTP has no secrets.
    private mutating func nextRandom() -> UInt64 {
        self.randomState &+= 0x9E37_79B9_7F4A_7C15
        var z = self.randomState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension UTPConnection {
    /// When the multiplexer has work for this connection: its next timer, or once closed its release (only when
    /// no unread bytes or control packet keep it; draining those re-arms it).
    var multiplexerDeadline: UInt64? {
        guard self.isClosed else { return self.nextDeadline?.nanoseconds }
        guard self.readableBytes == 0, !self.hasPendingControl else { return nil }
        return self.closedAt.map { $0 &+ self.timing.closedLinger }
    }

    /// Records the deadline to push when it is earlier than the armed one; `nil` when nothing needs pushing.
    mutating func armTimer() -> UInt64? {
        guard let deadline = self.multiplexerDeadline else { return nil }
        if let armed = self.armedTimer, armed <= deadline { return nil }
        self.armedTimer = deadline
        return deadline
    }
}
