// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Synchronization

/// The way back onto the event loop for work that finished elsewhere (TALK handler tasks).
///
/// The engine handler is created before its transport exists, so it reaches the transport
/// through this box, filled once the transport is bound.
final class LoopHop: Sendable {
    private let transport = Mutex<DatagramTransport<NodeEngine>?>(nil)

    func attach(_ transport: DatagramTransport<NodeEngine>) {
        self.transport.withLock { $0 = transport }
    }

    /// Runs `body` on the event loop; does nothing once the transport closed.
    func execute(_ body: @escaping @Sendable (NodeEngine, inout DatagramSink) -> Void) {
        let transport = self.transport.withLock { $0 }
        try? transport?.execute(body)
    }
}
