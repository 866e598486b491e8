// SPDX-License-Identifier: Apache-2.0

import DequeModule

extension UTPConnection {
    /// Produces the next datagram to send, if any, replacing the contents of `buffer`.
    ///
    /// Call repeatedly until it returns `false`. Order: handshake/RESET, retransmissions (within the
    /// congestion window), new DATA (within min(congestion window, peer window); bytes from the
    /// first unacknowledged packet onward count, SACKed ones included), our FIN, then a STATE if an
    /// ACK is due (immediately for out-of-order data, FIN or a window change; otherwise after
    /// ``flushAcks()``). Every DATA/FIN carries the current ACK, so it also satisfies a pending ACK.
    /// - Parameters:
    ///   - now: The current time (stamped into the header).
    ///   - buffer: Output; holds exactly one datagram when the call returns `true`.
    /// - Returns: Whether a datagram was produced.
    public mutating func pollTransmit(now: UTPInstant, into buffer: inout [UInt8]) -> Bool {
        switch self.phase {
        case .synSent:
            guard self.synSendPending else { return false }
            self.synSendPending = false
            buffer.removeAll(keepingCapacity: true)
            // BEP 29: the SYN carries the id the initiator receives on.
            UTPPacket.appendHeader(
                type: .syn,
                connectionID: self.receiveID,
                timestampMicroseconds: now.microsecondTimestamp,
                timestampDifferenceMicroseconds: 0,
                windowSize: UInt32(clamping: self.freeReceiveSpace),
                sequenceNumber: self.synSequenceNumber,
                ackNumber: 0,
                selectiveAck: nil,
                to: &buffer
            )
            self.synTransmissions += 1
            self.synLastSent = now.nanoseconds
            var timeout = Double(self.timing.synTimeout)
            for _ in 1..<self.synTransmissions { timeout *= self.configuration.synBackoffFactor }
            self.synDeadline = now.nanoseconds &+ UInt64(min(timeout, Double(UInt64.max / 2)))
            self.didSend(now: now)
            return true

        case .closed:
            if self.resetSendPending {
                self.resetSendPending = false
                self.ackPending = false
                self.writeControl(.reset, now: now, into: &buffer)
                return true
            }
            if self.ackPending, self.ackImmediate || self.ackFlushed {
                self.writeControl(.state, now: now, into: &buffer)
                return true
            }
            return false

        case .established:
            if self.synAckPending {
                self.synAckPending = false
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: self.synAck)
                self.didSend(now: now)
                return true
            }
            if self.transmitRetransmission(now: now, into: &buffer) { return true }
            if self.transmitNewData(now: now, into: &buffer) { return true }
            if case .queued = self.finState,
                self.nextUnsentOffset == self.sendBufferOffset + UInt64(self.sendBuffer.count),
                self.inFlight.count < self.configuration.maximumPacketsInFlight
            {
                let packet = OutgoingPacket(
                    sequenceNumber: self.sequenceNumber,
                    isFin: true,
                    streamOffset: self.nextUnsentOffset,
                    length: 0
                )
                self.finState = .sent(self.sequenceNumber)
                self.sequenceNumber &+= 1
                self.inFlight.append(packet)
                self.transmit(index: self.inFlight.count - 1, now: now, into: &buffer)
                return true
            }
            if self.ackPending, self.ackImmediate || self.ackFlushed {
                self.writeControl(.state, now: now, into: &buffer)
                return true
            }
            return false
        }
    }

    private mutating func transmitRetransmission(now: UTPInstant, into buffer: inout [UInt8]) -> Bool {
        while let sequenceNumber = self.resendQueue.first {
            let index = UTPSequence.distance(from: self.firstUnacked, to: sequenceNumber)
            guard index >= 0, index < self.inFlight.count, self.inFlight[index].needsResend,
                !self.inFlight[index].selectivelyAcked
            else {
                self.resendQueue.removeFirst()
                continue
            }
            let length = self.inFlight[index].length
            guard self.congestionFlightBytes == 0 || self.congestionFlightBytes + length <= self.congestion.windowBytes
            else { return false }
            self.resendQueue.removeFirst()
            self.transmit(index: index, now: now, into: &buffer)
            return true
        }
        return false
    }

    private mutating func transmitNewData(now: UTPInstant, into buffer: inout [UInt8]) -> Bool {
        let bufferedEnd = self.sendBufferOffset + UInt64(self.sendBuffer.count)
        let unsent = Int(bufferedEnd - self.nextUnsentOffset)
        guard unsent > 0, self.inFlight.count < self.configuration.maximumPacketsInFlight else { return false }
        var length = min(unsent, self.configuration.maxPayloadSize)
        // Congestion window (always allow one packet when nothing is in the network).
        guard self.congestionFlightBytes == 0 || self.congestionFlightBytes + length <= self.congestion.windowBytes
        else { return false }
        // Peer window: libtorrent drops anything past it, even the packet that fills a hole.
        let peerRoom = self.peerWindow - self.windowSpanBytes
        if peerRoom < length {
            if self.windowSpanBytes > 0 {
                return false
            }
            if peerRoom > 0 {
                length = peerRoom
            } else if self.zeroWindowProbeAllowed {
                // Zero-window probe: one packet; its ACK carries the new window.
                self.zeroWindowProbeAllowed = false
                length = min(length, 1)
            } else {
                if self.zeroWindowProbeDeadline == nil {
                    self.zeroWindowProbeDeadline = now.nanoseconds &+ self.rtt.timeout
                }
                return false
            }
        }
        let packet = OutgoingPacket(
            sequenceNumber: self.sequenceNumber,
            isFin: false,
            streamOffset: self.nextUnsentOffset,
            length: length
        )
        self.sequenceNumber &+= 1
        self.nextUnsentOffset += UInt64(length)
        self.windowSpanBytes += length
        self.inFlight.append(packet)
        self.transmit(index: self.inFlight.count - 1, now: now, into: &buffer)
        return true
    }

    /// Encodes `inFlight[index]` with the current ACK state and records the transmission.
    private mutating func transmit(index: Int, now: UTPInstant, into buffer: inout [UInt8]) {
        var packet = self.inFlight[index]
        buffer.removeAll(keepingCapacity: true)
        self.appendHeader(
            type: packet.isFin ? .fin : .data,
            sequenceNumber: packet.sequenceNumber,
            now: now,
            into: &buffer
        )
        let offset = Int(packet.streamOffset - self.sendBufferOffset)
        self.sendBuffer.copy(offset: offset, length: packet.length, appendingTo: &buffer)
        packet.transmissions += 1
        if packet.transmissions > 1 { self.counters.retransmissions += 1 }
        packet.lastSent = now.nanoseconds
        packet.needsResend = false
        self.sendOrderCounter += 1
        packet.sendOrder = self.sendOrderCounter
        if !packet.countedInFlight {
            packet.countedInFlight = true
            self.congestionFlightBytes += packet.length
        }
        self.inFlight[index] = packet
        self.counters.bytesSent += packet.length
        if self.retransmissionDeadline == nil {
            self.retransmissionDeadline = now.nanoseconds &+ self.backedOffTimeout
        }
        self.didSend(now: now)
    }

    private mutating func writeControl(_ type: UTPPacketType, now: UTPInstant, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        self.appendHeader(type: type, sequenceNumber: self.sequenceNumber, now: now, into: &buffer)
        self.didSend(now: now)
    }

    private mutating func appendHeader(
        type: UTPPacketType,
        sequenceNumber: UInt16,
        now: UTPInstant,
        into buffer: inout [UInt8]
    ) {
        let window = self.freeReceiveSpace
        self.lastAdvertisedWindow = window
        UTPPacket.appendHeader(
            type: type,
            connectionID: self.sendID,
            timestampMicroseconds: now.microsecondTimestamp,
            timestampDifferenceMicroseconds: self.replyMicroseconds,
            windowSize: UInt32(clamping: window),
            sequenceNumber: sequenceNumber,
            ackNumber: self.ackNumber,
            selectiveAck: self.currentSelectiveAck,
            to: &buffer
        )
        // Any packet carries our ACK.
        self.ackPending = false
        self.ackImmediate = false
        self.ackFlushed = false
    }

    /// A 4-byte selective ACK of the out-of-order packets held, or `nil` when none are.
    private var currentSelectiveAck: UTPSelectiveAck? {
        guard self.outOfOrderCount > 0 else { return nil }
        var sack = UTPSelectiveAck(byteCount: UTPSelectiveAck.standardByteCount)
        let limit = min(sack.bitCount, self.outOfOrder.count - 1)
        guard limit > 0 else { return nil }
        for bit in 0..<limit where self.outOfOrder[bit + 1] != nil {
            sack[bit] = true
        }
        return sack
    }

    private mutating func didSend(now: UTPInstant) {
        self.lastSent = now.nanoseconds
        self.counters.packetsSent += 1
    }

    /// The RTO with exponential backoff for consecutive timeouts, capped at the maximum.
    var backedOffTimeout: UInt64 {
        let shift = UInt64(min(self.consecutiveTimeouts, 16))
        return min(self.rtt.timeout << shift, max(self.rtt.maximumTimeout, self.rtt.timeout))
    }
}
