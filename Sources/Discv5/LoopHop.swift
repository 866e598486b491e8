// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Synchronization

/// The way back onto the event loop for work that finished elsewhere (TALK handler tasks, uTP streams).
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

    /// Runs `body` on the event loop and returns its result.
    ///
    /// - Throws: ``Discv5Error`` `nodeShutDown` before the transport is attached or once it closed; what
    ///   `body` throws.
    func submit<Result: Sendable>(
        _ body: @escaping @Sendable (NodeEngine, inout DatagramSink) throws -> Result
    ) async throws -> Result {
        guard let transport = self.transport.withLock({ $0 }) else { throw Discv5Error.nodeShutDown() }
        do {
            return try await transport.submit(body)
        } catch let error as DatagramTransportError {
            throw Discv5Error(.nodeShutDown, "the node is shut down: \(error)")
        }
    }
}
