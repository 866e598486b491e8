// SPDX-License-Identifier: Apache-2.0

import DequeModule

extension UTPConnection {
    /// What ``UTPConnection/handle(_:now:)`` did with a packet (for metrics and tests).
    public enum Disposition: Hashable, Sendable {
        /// The packet was used.
        case accepted
        /// A repeat of something already received (re-acknowledged when appropriate).
        case duplicate
        /// Dropped: wrong state, outside the window, or no room.
        case dropped
    }

    /// Processes a packet from the peer. Hostile input never traps: everything is range-checked.
    /// - Parameters:
    ///   - packet: A decoded packet already routed to this connection.
    ///   - now: The current time.
    /// - Returns: What happened to the packet.
    @discardableResult
    public mutating func handle(_ packet: UTPPacket, now: UTPInstant) -> Disposition {
        self.counters.packetsReceived += 1
        let nowNS = now.nanoseconds
        switch self.phase {
        case .closed:
            // After a graceful close, keep acknowledging a retransmitted FIN (our ACK was lost).
            if packet.type == .fin, self.eofReached, packet.sequenceNumber == self.eofSequenceNumber {
                self.replyMicroseconds = now.microsecondTimestamp &- packet.timestampMicroseconds
                self.ackPending = true
                self.ackImmediate = true
                self.counters.duplicatePacketsReceived += 1
                return .duplicate
            }
            return .dropped

        case .synSent:
            switch packet.type {
            case .reset:
                self.close(.refused, now: nowNS)
                return .accepted
            case .state where packet.ackNumber == self.synSequenceNumber:
                // SYN-ACK: a STATE with the listener's random S; its first DATA also has S.
                self.phase = .established
                self.ackNumber = packet.sequenceNumber &- 1
                if self.synTransmissions == 1 {
                    self.rtt.addSample(nowNS &- self.synLastSent)
                }
                self.synDeadline = nil
                self.events.append(.connected)
                self.noteReceived(packet, now: now)
                return .accepted
            case .data, .fin, .state, .syn:
                // Without the SYN-ACK we do not know S; the listener retransmits.
                return .dropped
            }

        case .established:
            switch packet.type {
            case .syn:
                if self.role == .listener, packet.sequenceNumber == self.synSequenceNumber {
                    // Our SYN-ACK was lost: resend the identical packet.
                    self.synAckPending = true
                    self.counters.duplicatePacketsReceived += 1
                    return .duplicate
                }
                return .dropped
            case .reset:
                self.close(self.finishedSuccessfully ? .finished : .resetByPeer, now: nowNS)
                return .accepted
            case .data, .fin, .state:
                break
            }
            self.noteReceived(packet, now: now)
            self.processAck(packet, now: nowNS)
            var disposition = Disposition.accepted
            switch packet.type {
            case .data:
                disposition = self.processData(packet.sequenceNumber, payload: packet.payload)
            case .fin:
                disposition = self.processFin(packet.sequenceNumber)
            case .state, .syn, .reset:
                break
            }
            self.checkCompletion(now: nowNS)
            return disposition
        }
    }

    /// Whether our side is done: FIN sent and every DATA before it acknowledged.
    var finishedSuccessfully: Bool {
        switch self.finState {
        case .acked: return true
        case .sent: return self.inFlight.count <= 1
        case .none, .queued: return false
        }
    }

    private mutating func noteReceived(_ packet: UTPPacket, now: UTPInstant) {
        self.lastReceived = now.nanoseconds
        self.replyMicroseconds = now.microsecondTimestamp &- packet.timestampMicroseconds
        self.peerWindow = Int(packet.windowSize)
        if self.peerWindow > 0 {
            self.zeroWindowProbeDeadline = nil
            self.zeroWindowProbeAllowed = false
        }
        self.congestion.addDelaySample(packet.timestampDifferenceMicroseconds, now: now.nanoseconds)
    }

    // MARK: - Acknowledgements of our packets

    private mutating func processAck(_ packet: UTPPacket, now: UInt64) {
        let distance = UTPSequence.distance(from: self.firstUnacked, to: packet.ackNumber)
        var bytesAcked = 0
        var sample: UInt64?
        if distance >= 0, distance < self.inFlight.count {
            var freed = 0
            for _ in 0...distance {
                let acked = self.inFlight.removeFirst()
                freed += acked.length
                if !acked.selectivelyAcked { bytesAcked += acked.length }
                if acked.countedInFlight { self.congestionFlightBytes -= acked.length }
                if acked.transmissions == 1, !acked.selectivelyAcked { sample = now &- acked.lastSent }
                if acked.isFin { self.finState = .acked }
            }
            self.windowSpanBytes -= freed
            self.sendBuffer.removeFirst(freed)
            self.sendBufferOffset += UInt64(freed)
            self.duplicateAckCount = 0
            self.consecutiveTimeouts = 0
            self.retransmissionDeadline = self.inFlight.isEmpty ? nil : now &+ self.rtt.timeout
            if self.writeBlocked, self.writableBytes > 0 {
                self.writeBlocked = false
                self.events.append(.writable)
            }
        } else if distance == -1, packet.type == .state, !self.inFlight.isEmpty {
            self.duplicateAckCount += 1
            if self.duplicateAckCount == 3 {
                self.declareLost(index: 0, now: now)
            }
        }
        if let selectiveAck = packet.selectiveAck, !self.inFlight.isEmpty,
            distance >= -1, distance < self.inFlight.count
        {
            bytesAcked += self.processSelectiveAck(selectiveAck, now: now, sample: &sample)
        }
        if let sample { self.rtt.addSample(sample) }
        self.congestion.onAck(bytesAcked: bytesAcked)
    }

    /// Marks SACKed packets and declares lost every unacknowledged packet that at least three
    /// packets sent after it have overtaken. Work is bounded by the bitmask length (≤ 256).
    private mutating func processSelectiveAck(_ sack: UTPSelectiveAck, now: UInt64, sample: inout UInt64?) -> Int {
        // After the cumulative part, element 0 of inFlight is ack_nr + 1; bit i covers element i + 1.
        let limit = min(sack.bitCount, self.inFlight.count - 1)
        guard limit > 0 else { return 0 }
        var bytesAcked = 0
        var top = (UInt64(0), UInt64(0), UInt64(0))
        for bit in 0..<limit where sack[bit] {
            let index = bit + 1
            if !self.inFlight[index].selectivelyAcked {
                self.inFlight[index].selectivelyAcked = true
                self.inFlight[index].needsResend = false
                bytesAcked += self.inFlight[index].length
                if self.inFlight[index].countedInFlight {
                    self.inFlight[index].countedInFlight = false
                    self.congestionFlightBytes -= self.inFlight[index].length
                }
                if self.inFlight[index].transmissions == 1 {
                    sample = now &- self.inFlight[index].lastSent
                }
            }
            let order = self.inFlight[index].sendOrder
            if order > top.0 {
                top = (order, top.0, top.1)
            } else if order > top.1 {
                top = (top.0, order, top.1)
            } else if order > top.2 {
                top.2 = order
            }
        }
        let threshold = top.2
        if threshold > 0 {
            for index in 0...limit {
                let packet = self.inFlight[index]
                if !packet.selectivelyAcked, !packet.needsResend, packet.transmissions > 0, packet.sendOrder < threshold
                {
                    self.declareLost(index: index, now: now)
                }
            }
        }
        return bytesAcked
    }

    /// Queues a packet for fast retransmission and cuts the window (at most once per interval).
    mutating func declareLost(index: Int, now: UInt64) {
        guard !self.inFlight[index].needsResend, !self.inFlight[index].selectivelyAcked else { return }
        self.inFlight[index].needsResend = true
        if self.inFlight[index].countedInFlight {
            self.inFlight[index].countedInFlight = false
            self.congestionFlightBytes -= self.inFlight[index].length
        }
        self.resendQueue.append(self.inFlight[index].sequenceNumber)
        self.counters.fastRetransmissions += 1
        self.congestion.onLoss(now: now)
    }

    // MARK: - Incoming data

    private mutating func processData(_ sequenceNumber: UInt16, payload: ArraySlice<UInt8>) -> Disposition {
        if let eof = self.eofSequenceNumber, !UTPSequence.isBefore(sequenceNumber, eof) {
            return .dropped
        }
        let distance = UTPSequence.distance(from: self.ackNumber &+ 1, to: sequenceNumber)
        if distance < 0 {
            // Already have it: the peer missed our ACK.
            self.counters.duplicatePacketsReceived += 1
            self.ackPending = true
            self.ackImmediate = true
            return .duplicate
        }
        guard distance < self.configuration.maximumPacketsInFlight else { return .dropped }
        if distance < self.outOfOrder.count, self.outOfOrder[distance] != nil {
            self.counters.duplicatePacketsReceived += 1
            self.ackPending = true
            self.ackImmediate = true
            return .duplicate
        }
        guard payload.count <= self.freeReceiveSpace else { return .dropped }
        self.ackPending = true
        if distance == 0 {
            self.deliver(payload)
            self.ackNumber &+= 1
            if !self.outOfOrder.isEmpty { self.outOfOrder.removeFirst() }
            while let first = self.outOfOrder.first, let buffered = first {
                self.outOfOrder.removeFirst()
                self.outOfOrderBytes -= buffered.count
                self.outOfOrderCount -= 1
                self.deliver(buffered)
                self.ackNumber &+= 1
            }
            if self.outOfOrderCount > 0 { self.ackImmediate = true }
            self.checkEndOfStream()
        } else {
            while self.outOfOrder.count <= distance { self.outOfOrder.append(nil) }
            // The payload is a slice that keeps its whole datagram alive; when the header and
            // extensions outweigh it, keep a copy, so the bytes counted against the receive
            // window are about the bytes held (a peer cannot pin 1 KiB per 1 counted byte).
            self.outOfOrder[distance] = payload.startIndex > payload.count ? ArraySlice(Array(payload)) : payload
            self.outOfOrderBytes += payload.count
            self.outOfOrderCount += 1
            // Out-of-order data is acknowledged at once, with a selective ACK.
            self.ackImmediate = true
        }
        return .accepted
    }

    private mutating func deliver(_ payload: ArraySlice<UInt8>) {
        guard !payload.isEmpty else { return }
        self.receiveBuffer.append(payload)
        self.counters.bytesReceived += payload.count
        if !self.readablePending {
            self.readablePending = true
            self.events.append(.readable)
        }
    }

    private mutating func processFin(_ sequenceNumber: UInt16) -> Disposition {
        self.ackPending = true
        self.ackImmediate = true
        if let eof = self.eofSequenceNumber {
            if eof == sequenceNumber { self.counters.duplicatePacketsReceived += 1 }
            return .duplicate
        }
        let distance = UTPSequence.distance(from: self.ackNumber &+ 1, to: sequenceNumber)
        if distance < 0 {
            self.counters.duplicatePacketsReceived += 1
            return .duplicate
        }
        guard distance < self.configuration.maximumPacketsInFlight else { return .dropped }
        // The FIN's seq marks the end; data before it must still arrive. Drop anything past it.
        self.eofSequenceNumber = sequenceNumber
        while self.outOfOrder.count > distance {
            if let dropped = self.outOfOrder.removeLast() {
                self.outOfOrderBytes -= dropped.count
                self.outOfOrderCount -= 1
            }
        }
        self.checkEndOfStream()
        return .accepted
    }

    private mutating func checkEndOfStream() {
        guard !self.eofReached, let eof = self.eofSequenceNumber, self.ackNumber &+ 1 == eof else { return }
        self.ackNumber = eof
        self.eofReached = true
        self.outOfOrder.removeAll()
        self.ackPending = true
        self.ackImmediate = true
        self.events.append(.peerFinished)
    }

    /// Closes gracefully once both directions are done, or starts the linger for our FIN's ACK.
    mutating func checkCompletion(now: UInt64) {
        guard self.eofReached else { return }
        switch self.finState {
        case .acked:
            self.close(.finished, now: now)
        case .sent:
            // Only our FIN is unacknowledged; libtorrent may have forgotten the connection already.
            if self.inFlight.count == 1, self.lingerDeadline == nil {
                self.lingerDeadline = now &+ self.rtt.timeout
            }
        case .none, .queued:
            break
        }
    }

    /// Enters the terminal state and reports it.
    mutating func close(_ reason: UTPCloseReason, now: UInt64) {
        switch self.phase {
        case .closed:
            return
        case .synSent, .established:
            self.phase = .closed(reason)
            self.closedAt = now
            self.retransmissionDeadline = nil
            self.synDeadline = nil
            self.lingerDeadline = nil
            self.zeroWindowProbeDeadline = nil
            self.synAckPending = false
            self.resendQueue.removeAll()
            if reason != .finished { self.ackPending = false }
            self.events.append(.closed(reason))
            self.releaseDrainedStorage()
        }
    }
}
