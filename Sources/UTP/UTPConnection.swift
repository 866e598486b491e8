// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// One uTP connection (BEP 29) as a sans-I/O state machine.
///
/// The connection never touches a socket, clock or random source. The owner feeds it:
/// - received packets: ``handle(_:now:)``;
/// - time: ``handleTimeout(now:)`` whenever ``nextDeadline`` has passed;
/// - application calls: ``write(_:)``, ``read(maxBytes:)``, ``finish()``, ``reset()``;
///
/// and drains it:
/// - datagrams: ``pollTransmit(now:into:)`` until it returns `false` (after ``flushAcks()`` at the
///   end of each batch of received datagrams, so at most one STATE goes out per batch);
/// - events: ``pollEvent()``.
///
/// Sequence rules (BEP 29 and deployed stacks): the SYN consumes a sequence number; the SYN-ACK
/// is a STATE with a random `seq_nr` S and `ack_nr` = SYN seq; STATE consumes no sequence number,
/// so the listener's first DATA also carries S, and the initiator starts with `ack_nr` = S − 1.
/// All comparisons wrap at 16 bits.
public struct UTPConnection: Sendable {
    /// Which side opened the connection.
    public enum Role: Hashable, Sendable {
        /// Sent the SYN.
        case initiator
        /// Answered a SYN.
        case listener
    }

    enum Phase: Hashable, Sendable {
        case synSent
        case established
        case closed(UTPCloseReason)
    }

    enum FinState: Hashable, Sendable {
        case none
        case queued
        case sent(UInt16)
        case acked
    }

    /// A DATA or FIN packet from its first transmission until it is acknowledged.
    struct OutgoingPacket: Hashable, Sendable {
        var sequenceNumber: UInt16
        var isFin: Bool
        /// Stream offset of the payload's first byte.
        var streamOffset: UInt64
        var length: Int
        var lastSent: UInt64 = 0
        var transmissions: Int = 0
        /// Order of the latest transmission, for "SACK-passed by 3 later packets".
        var sendOrder: UInt64 = 0
        var selectivelyAcked = false
        var needsResend = false
        /// Whether `length` is currently counted in the congestion flight size.
        var countedInFlight = false
    }

    /// Timers converted once to nanoseconds.
    struct Timing: Hashable, Sendable {
        var synTimeout: UInt64
        var idle: UInt64
        var keepAlive: UInt64
        var closedLinger: UInt64

        init(_ configuration: UTPConfiguration) {
            self.synTimeout = configuration.synRetransmissionTimeout.utpNanoseconds
            self.idle = configuration.idleTimeout.utpNanoseconds
            self.keepAlive = configuration.keepAliveInterval.utpNanoseconds
            self.closedLinger = configuration.closedLinger.utpNanoseconds
        }
    }

    /// The configuration in force.
    public let configuration: UTPConfiguration
    let timing: Timing
    /// The connection id we expect on incoming packets (after the SYN).
    public let receiveID: UInt16
    /// The connection id we put on outgoing packets (after the SYN).
    public let sendID: UInt16
    /// Who opened the connection.
    public let role: Role

    var phase: Phase

    // MARK: Sequence state
    /// Next sequence number for a DATA or FIN.
    var sequenceNumber: UInt16
    /// Last sequence number received in order.
    var ackNumber: UInt16 = 0
    /// Initiator: our SYN's seq. Listener: the peer's SYN seq.
    let synSequenceNumber: UInt16

    // MARK: Handshake
    var synSendPending = false
    var synTransmissions = 0
    var synLastSent: UInt64 = 0
    var synDeadline: UInt64?
    /// The listener's SYN-ACK, resent byte for byte on a duplicate SYN.
    var synAck: [UInt8] = []
    var synAckPending = false

    // MARK: Send side
    /// Bytes from the first unacknowledged packet onward, acknowledged-but-unsent included.
    var sendBuffer = UTPByteQueue()
    /// Stream offset of `sendBuffer`'s first byte.
    var sendBufferOffset: UInt64 = 0
    /// Stream offset of the first byte not yet packetized.
    var nextUnsentOffset: UInt64 = 0
    /// Packets in flight; element `i` has sequence number `firstUnacked + i`.
    var inFlight: Deque<OutgoingPacket> = []
    /// Sum of `length` over `inFlight` (SACKed packets included): limited by the peer's window.
    var windowSpanBytes = 0
    /// Bytes believed in the network (not SACKed, not declared lost): limited by the congestion window.
    var congestionFlightBytes = 0
    var resendQueue: Deque<UInt16> = []
    var finState: FinState = .none
    var peerWindow: Int
    var duplicateAckCount = 0
    var retransmissionDeadline: UInt64?
    var consecutiveTimeouts = 0
    var sendOrderCounter: UInt64 = 0
    var zeroWindowProbeDeadline: UInt64?
    var zeroWindowProbeAllowed = false
    var writeBlocked = false
    var lingerDeadline: UInt64?
    var rtt: UTPRoundTripEstimator
    var congestion: UTPCongestionController

    // MARK: Receive side
    var receiveBuffer = UTPByteQueue()
    /// Element `i` holds the payload with sequence number `ackNumber + 1 + i`, if received.
    var outOfOrder: Deque<ArraySlice<UInt8>?> = []
    var outOfOrderBytes = 0
    var outOfOrderCount = 0
    /// Sequence number of the peer's FIN, once seen.
    var eofSequenceNumber: UInt16?
    var eofReached = false
    /// `timestamp_difference_microseconds` to send: our receive time minus the peer's timestamp.
    var replyMicroseconds: UInt32 = 0
    var lastAdvertisedWindow = 0
    var readablePending = false

    // MARK: ACK policy
    var ackPending = false
    var ackImmediate = false
    var ackFlushed = false

    // MARK: Bookkeeping
    var lastReceived: UInt64
    var lastSent: UInt64
    var closedAt: UInt64?
    /// The deadline of this connection's timer in its ``UTPMultiplexer`` (no later than the real one).
    var armedTimer: UInt64?
    var resetSendPending = false
    var events: Deque<UTPConnectionEvent> = []
    var counters = UTPStatistics()

    private init(
        role: Role,
        receiveID: UInt16,
        sendID: UInt16,
        sequenceNumber: UInt16,
        synSequenceNumber: UInt16,
        phase: Phase,
        configuration: UTPConfiguration,
        now: UTPInstant
    ) {
        self.configuration = configuration
        self.timing = Timing(configuration)
        self.role = role
        self.receiveID = receiveID
        self.sendID = sendID
        self.sequenceNumber = sequenceNumber
        self.synSequenceNumber = synSequenceNumber
        self.phase = phase
        self.peerWindow = configuration.assumedPeerWindow
        self.rtt = UTPRoundTripEstimator(
            initial: configuration.initialRetransmissionTimeout.utpNanoseconds,
            minimum: configuration.minimumRetransmissionTimeout.utpNanoseconds,
            maximum: configuration.maximumRetransmissionTimeout.utpNanoseconds
        )
        self.congestion = UTPCongestionController(configuration: configuration)
        self.lastReceived = now.nanoseconds
        self.lastSent = now.nanoseconds
        self.lastAdvertisedWindow = configuration.receiveWindow
    }

    /// Opens a connection as the initiator; the SYN is produced by the first ``pollTransmit(now:into:)``.
    ///
    /// BEP 29 raw-UDP mode: pick a random `R`, use `receiveID: R, sendID: R &+ 1`. Discv5 handoff
    /// with id `X` from the listener's response: `receiveID: X, sendID: X &+ 1`. The SYN carries
    /// `receiveID`.
    /// - Parameters:
    ///   - receiveID: The id the peer will put on packets to us; carried by the SYN.
    ///   - sendID: The id we put on packets after the SYN.
    ///   - initialSequenceNumber: The SYN's sequence number (random in production).
    ///   - configuration: Tunables.
    ///   - now: The current time.
    public init(
        initiatorReceiveID receiveID: UInt16,
        sendID: UInt16,
        initialSequenceNumber: UInt16,
        configuration: UTPConfiguration = UTPConfiguration(),
        now: UTPInstant
    ) {
        self.init(
            role: .initiator,
            receiveID: receiveID,
            sendID: sendID,
            sequenceNumber: initialSequenceNumber &+ 1,
            synSequenceNumber: initialSequenceNumber,
            phase: .synSent,
            configuration: configuration,
            now: now
        )
        self.synSendPending = true
    }

    /// Accepts a received SYN as the listener; the SYN-ACK is produced by the next ``pollTransmit(now:into:)``.
    ///
    /// BEP 29 raw-UDP mode: `receiveID: syn.connectionID &+ 1, sendID: syn.connectionID`. Discv5
    /// handoff with our advertised id `X`: `receiveID: X &+ 1, sendID: X` (the SYN carries `X`).
    /// The listener counts as connected at once and may write before the initiator sends anything.
    /// - Parameters:
    ///   - syn: The SYN packet.
    ///   - receiveID: The id the peer puts on its later packets.
    ///   - sendID: The id we put on ours.
    ///   - initialSequenceNumber: Our first sequence number S (random in production).
    ///   - configuration: Tunables.
    ///   - now: The current time.
    public init(
        acceptingSYN syn: UTPPacket,
        receiveID: UInt16,
        sendID: UInt16,
        initialSequenceNumber: UInt16,
        configuration: UTPConfiguration = UTPConfiguration(),
        now: UTPInstant
    ) {
        self.init(
            role: .listener,
            receiveID: receiveID,
            sendID: sendID,
            sequenceNumber: initialSequenceNumber,
            synSequenceNumber: syn.sequenceNumber,
            phase: .established,
            configuration: configuration,
            now: now
        )
        self.ackNumber = syn.sequenceNumber
        self.counters.packetsReceived = 1
        // libtorrent advertises wnd_size 0 in its SYN: that is not a closed window.
        if syn.windowSize != 0 {
            self.peerWindow = Int(syn.windowSize)
        }
        self.replyMicroseconds = now.microsecondTimestamp &- syn.timestampMicroseconds
        UTPPacket.appendHeader(
            type: .state,
            connectionID: sendID,
            timestampMicroseconds: now.microsecondTimestamp,
            timestampDifferenceMicroseconds: self.replyMicroseconds,
            windowSize: UInt32(clamping: self.freeReceiveSpace),
            sequenceNumber: initialSequenceNumber,
            ackNumber: syn.sequenceNumber,
            selectiveAck: nil,
            to: &self.synAck
        )
        self.synAckPending = true
        self.events.append(.connected)
    }

    // MARK: - Queries

    /// The current state.
    public var state: UTPConnectionState {
        switch self.phase {
        case .synSent:
            return .synSent
        case .closed(let reason):
            return .closed(reason)
        case .established:
            switch (self.finState, self.eofReached) {
            case (.none, false): return .connected
            case (.none, true): return .peerFinished
            case (.queued, false), (.sent, false), (.acked, false): return .finishing
            case (.queued, true), (.sent, true), (.acked, true): return .closing
            }
        }
    }

    /// Whether the connection reached its terminal state.
    public var isClosed: Bool {
        switch self.phase {
        case .closed: return true
        case .synSent, .established: return false
        }
    }

    /// Whether the peer's FIN was reached (end of stream; the read buffer may still hold data).
    public var isPeerFinished: Bool { self.eofReached }

    /// Bytes waiting in the in-order read buffer.
    public var readableBytes: Int { self.receiveBuffer.count }

    /// Bytes ``write(_:)`` would accept now.
    public var writableBytes: Int {
        switch self.phase {
        case .closed: return 0
        case .synSent, .established:
            guard case .none = self.finState else { return 0 }
            return max(0, self.configuration.sendBufferSize - self.sendBuffer.count)
        }
    }

    /// Whether every written byte (and our FIN, if sent) has been acknowledged.
    public var isSendBufferEmpty: Bool { self.sendBuffer.isEmpty && self.inFlight.isEmpty }

    /// Counters and current control values.
    public var statistics: UTPStatistics {
        var statistics = self.counters
        statistics.smoothedRTT = self.rtt.smoothed.map { .nanoseconds(Int64(clamping: $0)) }
        statistics.retransmissionTimeout = .nanoseconds(Int64(clamping: self.rtt.timeout))
        statistics.congestionWindow = self.congestion.windowBytes
        statistics.peerWindow = self.peerWindow
        statistics.bytesInFlight = self.windowSpanBytes
        return statistics
    }

    /// Whether a closed connection no longer needs to answer retransmitted FINs and can be dropped
    /// by its owner (after ``UTPConfiguration/closedLinger``).
    /// - Parameters:
    ///   - now: The current time.
    public func isReleasable(now: UTPInstant) -> Bool {
        guard let closedAt else { return false }
        return now.nanoseconds &- closedAt >= self.timing.closedLinger && !self.hasPendingControl
    }

    var hasPendingControl: Bool { self.resetSendPending || (self.ackPending && self.ackImmediate) }

    /// Free receive space: what we advertise in `wnd_size`.
    var freeReceiveSpace: Int {
        max(0, self.configuration.receiveWindow - self.receiveBuffer.count - self.outOfOrderBytes)
    }

    /// Sequence number of the first unacknowledged DATA/FIN.
    var firstUnacked: UInt16 { self.sequenceNumber &- UInt16(truncatingIfNeeded: self.inFlight.count) }

    // MARK: - Application calls

    /// Removes and returns the next event.
    public mutating func pollEvent() -> UTPConnectionEvent? {
        self.events.popFirst()
    }

    /// Queues bytes for sending, as many as the send buffer has room for.
    /// - Parameters:
    ///   - bytes: The bytes to send.
    /// - Returns: How many bytes were accepted; fewer than offered means backpressure, and a
    ///   ``UTPConnectionEvent/writable`` event follows once room frees up. 0 after ``finish()``.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let room = self.writableBytes
        let accepted = min(room, bytes.count)
        if accepted < bytes.count {
            switch self.phase {
            case .closed: break
            case .synSent, .established: self.writeBlocked = true
            }
        }
        guard accepted > 0 else { return 0 }
        self.sendBuffer.append(UnsafeRawBufferPointer(rebasing: bytes[0..<accepted]))
        return accepted
    }

    /// Queues bytes for sending, as many as the send buffer has room for.
    /// - Parameters:
    ///   - bytes: The bytes to send.
    /// - Returns: How many bytes were accepted (see ``write(_:)-(UnsafeRawBufferPointer)``).
    public mutating func write(_ bytes: some Collection<UInt8>) -> Int {
        if let result = bytes.withContiguousStorageIfAvailable({ self.write(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes { self.write($0) }
    }

    /// Moves up to `maxBytes` in-order bytes out of the read buffer into `output` (appending).
    /// - Parameters:
    ///   - output: Receives the bytes.
    ///   - maxBytes: The most bytes to move.
    /// - Returns: The number of bytes moved.
    @discardableResult
    public mutating func read(into output: inout [UInt8], maxBytes: Int = .max) -> Int {
        let count = min(max(0, maxBytes), self.receiveBuffer.count)
        guard count > 0 else { return 0 }
        self.receiveBuffer.copy(offset: 0, length: count, appendingTo: &output)
        self.receiveBuffer.removeFirst(count)
        if self.receiveBuffer.isEmpty {
            self.readablePending = false
            // Nothing more can arrive: the last read gives the buffer back.
            if self.isClosed { self.receiveBuffer.releaseStorageIfEmpty() }
        }
        // Tell the sender promptly when its view of our window opens up a lot.
        let free = self.freeReceiveSpace
        let payload = self.configuration.maxPayloadSize
        if (self.lastAdvertisedWindow < payload && free >= payload)
            || free - self.lastAdvertisedWindow >= self.configuration.receiveWindow / 2
        {
            switch self.phase {
            case .established:
                self.ackPending = true
                self.ackImmediate = true
            case .synSent, .closed:
                break
            }
        }
        return count
    }

    /// Removes and returns up to `maxBytes` in-order bytes.
    /// - Parameters:
    ///   - maxBytes: The most bytes to return.
    public mutating func read(maxBytes: Int = .max) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(maxBytes, self.receiveBuffer.count))
        self.read(into: &output, maxBytes: maxBytes)
        return output
    }

    /// Half-closes our send side: a FIN follows the bytes already written. Reading continues until
    /// the peer's FIN. Idempotent.
    public mutating func finish() {
        switch self.phase {
        case .closed:
            return
        case .synSent, .established:
            if case .none = self.finState { self.finState = .queued }
        }
    }

    /// Aborts the connection: an ST_RESET is produced by the next ``pollTransmit(now:into:)`` and
    /// the connection closes with ``UTPCloseReason/aborted``.
    /// - Parameters:
    ///   - now: The current time.
    public mutating func reset(now: UTPInstant) {
        switch self.phase {
        case .closed:
            return
        case .synSent, .established:
            self.resetSendPending = true
            self.close(.aborted, now: now.nanoseconds)
        }
    }

    /// Marks the end of a batch of received datagrams: a pending ACK may now go out as one STATE.
    public mutating func flushAcks() {
        if self.ackPending { self.ackFlushed = true }
    }

}
