// SPDX-License-Identifier: Apache-2.0

import DatagramTransport

/// A test engine: records what it receives and the order of callbacks, and can echo or acknowledge.
final class RecordingHandler: DatagramHandler {
    /// What to do with each received datagram.
    enum Reply {
        case none
        /// Send the datagram back unchanged.
        case echo
        /// Send back its first 4 bytes (the sequence number).
        case acknowledgeSequence
    }

    /// One callback, in order.
    enum Event: Equatable {
        case received(Int)
        case batchEnded
        case timer
    }

    var reply: Reply = .none
    /// Send one 1-byte datagram to the last source at the end of every batch.
    var acknowledgeBatches = false
    var datagrams: [(bytes: [UInt8], source: UDPEndpoint)] = []
    var events: [Event] = []
    var batchEnds = 0
    var timerFirings = 0
    private var lastSource: UDPEndpoint?

    init(reply: Reply = .none, acknowledgeBatches: Bool = false) {
        self.reply = reply
        self.acknowledgeBatches = acknowledgeBatches
    }

    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {
        self.datagrams.append((Array(datagram.bytes), datagram.source))
        self.events.append(.received(datagram.count))
        self.lastSource = datagram.source
        switch self.reply {
        case .none:
            break
        case .echo:
            sink.send(datagram.bytes, to: datagram.source)
        case .acknowledgeSequence:
            sink.send(UnsafeRawBufferPointer(rebasing: datagram.bytes.prefix(4)), to: datagram.source)
        }
    }

    func receiveBatchEnded(sink: inout DatagramSink) {
        self.batchEnds += 1
        self.events.append(.batchEnded)
        if self.acknowledgeBatches, let source = self.lastSource {
            sink.send([0xAC], to: source)
        }
    }

    func timerFired(sink: inout DatagramSink) {
        self.timerFirings += 1
        self.events.append(.timer)
    }
}
