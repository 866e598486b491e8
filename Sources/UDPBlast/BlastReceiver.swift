// SPDX-License-Identifier: Apache-2.0

import DatagramTransport

/// Counts what arrives (the transport's counters do the work) and touches each datagram's first byte, as a
/// real engine would read its header.
final class BlastReceiver: DatagramHandler {
    private var checksum: UInt8 = 0

    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {
        if let first = datagram.bytes.first { self.checksum &+= first }
    }
}
