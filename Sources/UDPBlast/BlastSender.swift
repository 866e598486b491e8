// SPDX-License-Identifier: Apache-2.0

import DatagramTransport

/// Sends bursts of equal-size datagrams back to back: one burst per wakeup, the next wakeup "now", so the
/// event loop still serves other work between bursts.
final class BlastSender: DatagramHandler {
    private let payload: [UInt8]
    private let burst: Int
    private let target: UDPEndpoint
    private var running = false
    private var sequence: UInt64 = 0

    init(size: Int, burst: Int, target: UDPEndpoint) {
        self.payload = [UInt8](repeating: 0xA5, count: size)
        self.burst = burst
        self.target = target
    }

    func start(sink: inout DatagramSink) {
        self.running = true
        sink.scheduleWakeup(at: .now)
    }

    func stop(sink: inout DatagramSink) {
        self.running = false
        sink.cancelWakeup()
    }

    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {}

    func timerFired(sink: inout DatagramSink) {
        guard self.running else { return }
        let size = self.payload.count
        for _ in 0..<self.burst {
            self.sequence &+= 1
            let sequence = self.sequence
            self.payload.withUnsafeBytes { payload in
                sink.send(to: self.target, maximumLength: size) { buffer in
                    buffer.copyMemory(from: payload)
                    if size >= 8 { buffer.storeBytes(of: sequence, as: UInt64.self) }
                    return size
                }
            }
        }
        // Keep going while the kernel takes data; otherwise wait for becameWritable.
        if sink.isWritable { sink.scheduleWakeup(at: .now) }
    }

    func becameWritable(sink: inout DatagramSink) {
        if self.running { sink.scheduleWakeup(at: .now) }
    }
}
