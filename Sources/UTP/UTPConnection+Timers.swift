// SPDX-License-Identifier: Apache-2.0

import DequeModule

extension UTPConnection {
    /// The earliest time at which ``handleTimeout(now:)`` has work to do, or `nil` for none.
    public var nextDeadline: UTPInstant? {
        var earliest: UInt64?
        func consider(_ value: UInt64?) {
            guard let value else { return }
            earliest = min(earliest ?? value, value)
        }
        switch self.phase {
        case .synSent:
            consider(self.synDeadline)
        case .established:
            consider(self.retransmissionDeadline)
            consider(self.lastReceived &+ self.timing.idle)
            consider(self.lastSent &+ self.timing.keepAlive)
            consider(self.zeroWindowProbeDeadline)
            consider(self.lingerDeadline)
        case .closed:
            break
        }
        return earliest.map(UTPInstant.init(nanoseconds:))
    }

    /// Fires every timer that is due: SYN retransmission, idle timeout, FIN linger, retransmission
    /// timeout (with backoff and loss counting), zero-window probe and keep-alive.
    /// - Parameters:
    ///   - now: The current time.
    public mutating func handleTimeout(now: UTPInstant) {
        // Timers fire rarely while data flows and at least every keep-alive interval otherwise: the
        // place to give back what a past burst left allocated.
        defer { self.releaseDrainedStorage() }
        let nowNS = now.nanoseconds
        switch self.phase {
        case .closed:
            return
        case .synSent:
            guard let deadline = self.synDeadline, nowNS >= deadline else { return }
            self.synDeadline = nil
            if self.synTransmissions >= self.configuration.maximumSynTransmissions {
                self.close(.timedOut, now: nowNS)
            } else {
                self.synSendPending = true
            }
        case .established:
            if nowNS >= self.lastReceived &+ self.timing.idle {
                // "Peer vanished after acking all data" counts as success for the writer.
                self.close(self.finishedSuccessfully ? .finished : .timedOut, now: nowNS)
                return
            }
            if let linger = self.lingerDeadline, nowNS >= linger {
                self.close(.finished, now: nowNS)
                return
            }
            if let deadline = self.retransmissionDeadline, nowNS >= deadline {
                self.onRetransmissionTimeout(now: nowNS)
                if self.isClosed { return }
            }
            if let probe = self.zeroWindowProbeDeadline, nowNS >= probe {
                self.zeroWindowProbeDeadline = nil
                self.zeroWindowProbeAllowed = true
            }
            if nowNS >= self.lastSent &+ self.timing.keepAlive {
                self.ackPending = true
                self.ackImmediate = true
            }
        }
    }

    private mutating func onRetransmissionTimeout(now: UInt64) {
        guard !self.inFlight.isEmpty else {
            self.retransmissionDeadline = nil
            return
        }
        self.counters.timeouts += 1
        self.consecutiveTimeouts += 1
        if self.consecutiveTimeouts >= self.configuration.maximumConsecutiveTimeouts {
            self.close(self.finishedSuccessfully ? .finished : .timedOut, now: now)
            return
        }
        self.congestion.onTimeout()
        // Everything not selectively acknowledged is presumed lost; the congestion window (one
        // packet now) paces the resends, oldest first.
        self.resendQueue.removeAll(keepingCapacity: true)
        for index in self.inFlight.indices where !self.inFlight[index].selectivelyAcked {
            self.inFlight[index].needsResend = true
            if self.inFlight[index].countedInFlight {
                self.inFlight[index].countedInFlight = false
                self.congestionFlightBytes -= self.inFlight[index].length
            }
            self.resendQueue.append(self.inFlight[index].sequenceNumber)
        }
        self.duplicateAckCount = 0
        self.retransmissionDeadline = now &+ self.backedOffTimeout
    }

    /// Frees every buffer that is empty: the send and receive queues, the in-flight and resend records,
    /// the out-of-order slots and the event queue. They grow again on demand; an idle or closed connection
    /// holds none of the (up to window-sized) storage a transfer needed.
    mutating func releaseDrainedStorage() {
        self.sendBuffer.releaseStorageIfEmpty()
        self.receiveBuffer.releaseStorageIfEmpty()
        if self.inFlight.isEmpty { self.inFlight = [] }
        if self.resendQueue.isEmpty { self.resendQueue = [] }
        if self.outOfOrderCount == 0 { self.outOfOrder = [] }
        if self.events.isEmpty { self.events = [] }
    }

    /// Bytes of buffer storage the byte queues hold (the part of a connection that scales with its window).
    var bufferCapacity: Int {
        self.sendBuffer.capacity + self.receiveBuffer.capacity
    }
}
