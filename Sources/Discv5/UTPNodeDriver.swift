// SPDX-License-Identifier: Apache-2.0

import UTP

/// Carries a ``UTPStream``'s calls onto the node's event loop, where ``UTPTalkHost`` owns the connections:
/// one hop per call, never per packet.
struct UTPNodeDriver: UTPStreamDriver {
    let hop: LoopHop

    func write(_ bytes: [UInt8], to handle: UTPConnectionHandle) async throws -> Int {
        do {
            return try await self.hop.submit { engine, sink in
                try engine.withUTP(sink: &sink) { host, _, now in host.write(bytes, to: handle, now: now) }
            }
        } catch {
            throw UTPError.closed("the node is shut down")
        }
    }

    func finish(_ handle: UTPConnectionHandle) {
        self.hop.execute { engine, sink in
            try? engine.withUTP(sink: &sink) { host, _, _ in host.finish(handle) }
        }
    }

    func reset(_ handle: UTPConnectionHandle) {
        self.hop.execute { engine, sink in
            try? engine.withUTP(sink: &sink) { host, _, now in host.reset(handle, now: now) }
        }
    }

    func resumeReading(_ handle: UTPConnectionHandle) {
        self.hop.execute { engine, sink in
            try? engine.withUTP(sink: &sink) { host, _, _ in host.resumeReading(handle) }
        }
    }

    func release(_ handle: UTPConnectionHandle) {
        self.hop.execute { engine, sink in
            try? engine.withUTP(sink: &sink) { host, _, now in host.release(handle, now: now) }
        }
    }
}
