// SPDX-License-Identifier: Apache-2.0

import Discv5Testing
import UTP

/// The outcome of one uTP transfer between two in-memory connections.
public struct InMemoryTransferResult: Sendable {
    /// Payload bytes the receiver read.
    public var bytes: Int
    /// Simulated time from the SYN to the receiver seeing the sender's FIN.
    public var simulatedSeconds: Double
    /// Datagrams handed to the network, both directions.
    public var datagramsSent: Int
    /// Datagrams the network dropped on purpose.
    public var datagramsLost: Int
    /// Whether every byte arrived and the stream ended cleanly.
    public var completed: Bool
    /// Why a connection closed before the end, when one did.
    public var failure: String?

    /// Goodput over simulated time in MiB/s.
    public var simulatedMiBPerSecond: Double {
        self.simulatedSeconds > 0 ? Double(self.bytes) / self.simulatedSeconds / 1_048_576 : 0
    }
}

/// Moves `byteCount` bytes from an initiator `UTPConnection` to a listener through a seeded
/// `SimulatedNetwork`, on a manual clock: no sockets, no threads, so wall-clock time spent here is
/// the protocol's CPU cost and simulated time is what the congestion control achieved.
///
/// - Parameters:
///   - byteCount: Payload bytes to send.
///   - network: Loss, delay and bandwidth of the simulated path (both directions).
///   - seed: The network's random seed.
///   - simulatedTimeLimit: Give up after this much simulated time (seconds).
///   - sampleInterval: How often (simulated seconds) to call `sample`.
///   - sample: Called with the simulated seconds since the start, the bytes received so far and the
///     sender's statistics (congestion window, RTT, bytes in flight).
/// - Returns: What was transferred.
public func transferInMemory(
    byteCount: Int,
    network configuration: SimulatedNetwork<Int>.Configuration,
    seed: UInt64,
    simulatedTimeLimit: Double = 600,
    sampleInterval: Double = 0.01,
    sample: ((Double, Int, UTPStatistics) -> Void)? = nil
) -> InMemoryTransferResult {
    let senderAddress = 0
    let receiverAddress = 1
    var network = SimulatedNetwork<Int>(configuration: configuration, seed: seed)
    var now: UInt64 = 1_000_000_000
    let limit = now + UInt64(simulatedTimeLimit * 1e9)
    let start = now

    var sender = UTPConnection(
        initiatorReceiveID: 0x1000,
        sendID: 0x1001,
        initialSequenceNumber: 100,
        now: UTPInstant(nanoseconds: now)
    )
    var receiver: UTPConnection? = nil
    let chunk = [UInt8](repeating: 0x5C, count: 64 * 1024)
    var written = 0
    var finished = false
    var received = 0
    var readBuffer: [UInt8] = []
    readBuffer.reserveCapacity(1 << 20)
    var datagram: [UInt8] = []
    datagram.reserveCapacity(2048)
    var failure: String? = "simulated time limit reached"
    let sampleStep = UInt64(sampleInterval * 1e9)
    var nextSample = now

    while now < limit {
        let instant = UTPInstant(nanoseconds: now)
        if let sample, now >= nextSample {
            sample(Double(now - start) / 1e9, received, sender.statistics)
            nextSample += sampleStep * ((now - nextSample) / sampleStep + 1)
        }
        // Deliver what is due.
        for delivery in network.deliverDue(now: now) {
            guard let packet = try? UTPPacket(decoding: delivery.bytes) else { continue }
            if delivery.to == receiverAddress {
                if receiver == nil {
                    guard packet.type == .syn else { continue }
                    receiver = UTPConnection(
                        acceptingSYN: packet,
                        receiveID: packet.connectionID &+ 1,
                        sendID: packet.connectionID,
                        initialSequenceNumber: 500,
                        now: instant
                    )
                } else {
                    receiver!.handle(packet, now: instant)
                }
            } else {
                sender.handle(packet, now: instant)
            }
        }
        // Timers.
        if let deadline = sender.nextDeadline, deadline <= instant { sender.handleTimeout(now: instant) }
        if let deadline = receiver?.nextDeadline, deadline <= instant { receiver!.handleTimeout(now: instant) }
        // The application: the sender keeps its buffer full, the receiver reads everything.
        while written < byteCount, sender.writableBytes > 0 {
            let count = min(chunk.count, byteCount - written)
            let accepted = chunk.withUnsafeBytes { sender.write(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            if accepted == 0 { break }
            written += accepted
        }
        if written == byteCount, !finished, sender.state == .connected {
            sender.finish()
            finished = true
        }
        if receiver != nil {
            readBuffer.removeAll(keepingCapacity: true)
            received += receiver!.read(into: &readBuffer)
            if received == byteCount, receiver!.isPeerFinished {
                return InMemoryTransferResult(
                    bytes: received,
                    simulatedSeconds: Double(now - start) / 1e9,
                    datagramsSent: network.statistics.sent,
                    datagramsLost: network.statistics.lost,
                    completed: true,
                    failure: nil
                )
            }
            if receiver!.isClosed {
                failure = "receiver: \(receiver!.state)"
                break
            }
            receiver!.flushAcks()
            while receiver!.pollTransmit(now: instant, into: &datagram) {
                network.send(datagram, from: receiverAddress, to: senderAddress, at: now)
            }
        }
        if sender.isClosed {
            failure = "sender: \(sender.state)"
            break
        }
        while sender.pollTransmit(now: instant, into: &datagram) {
            network.send(datagram, from: senderAddress, to: receiverAddress, at: now)
        }
        // Sleep until the next thing happens.
        var next = network.nextDeliveryTime ?? .max
        if let deadline = sender.nextDeadline { next = min(next, deadline.nanoseconds) }
        if let deadline = receiver?.nextDeadline { next = min(next, deadline.nanoseconds) }
        if sample != nil { next = min(next, nextSample) }
        if next == .max {
            failure = "stalled: nothing scheduled"
            break
        }
        now = max(now + 1, next)
    }
    return InMemoryTransferResult(
        bytes: received,
        simulatedSeconds: Double(now - start) / 1e9,
        datagramsSent: network.statistics.sent,
        datagramsLost: network.statistics.lost,
        completed: false,
        failure: failure
    )
}
