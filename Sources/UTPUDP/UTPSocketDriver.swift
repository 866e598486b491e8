// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import UTP

/// Carries a stream's calls to the engine on the event loop: one hop per call.
struct UTPSocketDriver: UTPStreamDriver {
    let transport: DatagramTransport<UTPEngine>

    func write(_ bytes: [UInt8], to handle: UTPConnectionHandle) async throws -> Int {
        do {
            return try await self.transport.submit { engine, sink in engine.write(bytes, to: handle, sink: &sink) }
        } catch {
            throw UTPError.closed("the socket is closed")
        }
    }

    func finish(_ handle: UTPConnectionHandle) {
        try? self.transport.execute { engine, sink in engine.finish(handle, sink: &sink) }
    }

    func reset(_ handle: UTPConnectionHandle) {
        try? self.transport.execute { engine, sink in engine.reset(handle, sink: &sink) }
    }

    func resumeReading(_ handle: UTPConnectionHandle) {
        try? self.transport.execute { engine, sink in engine.resumeReading(handle, sink: &sink) }
    }

    func release(_ handle: UTPConnectionHandle) {
        try? self.transport.execute { engine, sink in engine.release(handle, sink: &sink) }
    }
}
