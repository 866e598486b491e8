// SPDX-License-Identifier: Apache-2.0

/// The streams a shell serves, and how a ``UTPMultiplexer``'s connection events reach them.
///
/// Shared by every shell that drives a multiplexer on one thread (the raw-UDP engine and the discv5 node's
/// uTP-over-TALKREQ service): the shell owns the multiplexer and one table, feeds each
/// ``UTPMultiplexer/Event/connection(_:_:)`` to ``handle(_:of:in:)``, and the table moves readable bytes into
/// the streams (bounded by each stream's buffer), raises connected/writable/closed, and keeps the statistics
/// snapshots fresh. Confined to the shell's thread, like the multiplexer.
package struct UTPStreamTable {
    /// Most bytes moved from a connection into its stream per delivery.
    package static let maximumDeliveryChunk = 1 << 20

    private var streams: [UTPConnectionHandle: UTPStreamCore] = [:]

    /// Creates an empty table.
    package init() {}

    /// The stream of a connection, if one is attached.
    /// - Parameters:
    ///   - handle: The connection.
    package subscript(handle: UTPConnectionHandle) -> UTPStreamCore? {
        self.streams[handle]
    }

    /// Every attached stream.
    package var all: Dictionary<UTPConnectionHandle, UTPStreamCore>.Values { self.streams.values }

    /// Every attached connection and its stream.
    package var entries: [UTPConnectionHandle: UTPStreamCore] { self.streams }

    /// How many streams are attached.
    package var count: Int { self.streams.count }

    /// Attaches a stream to its connection.
    /// - Parameters:
    ///   - core: The stream's shared state (its ``UTPStreamCore/handle`` names the connection).
    package mutating func insert(_ core: UTPStreamCore) {
        self.streams[core.handle] = core
    }

    /// Detaches a stream.
    /// - Parameters:
    ///   - handle: The connection.
    /// - Returns: The stream that was attached.
    @discardableResult
    package mutating func remove(_ handle: UTPConnectionHandle) -> UTPStreamCore? {
        self.streams.removeValue(forKey: handle)
    }

    /// Applies one connection event to its stream.
    /// - Parameters:
    ///   - event: The event.
    ///   - handle: The connection.
    ///   - mux: The multiplexer that raised it.
    package func handle<Peer>(
        _ event: UTPConnectionEvent,
        of handle: UTPConnectionHandle,
        in mux: inout UTPMultiplexer<Peer>
    ) {
        switch event {
        case .connected:
            self.streams[handle]?.markConnected()
        case .readable, .peerFinished:
            self.serviceRead(handle, in: &mux)
        case .writable:
            if let core = self.streams[handle] {
                Self.refreshStatistics(handle, core, in: mux)
                core.signalWritable()
            }
        case .closed(let reason):
            self.serviceRead(handle, in: &mux)
            if let core = self.streams[handle] {
                Self.refreshStatistics(handle, core, in: mux)
                core.terminate(reason, peerFinished: Self.readState(handle, in: mux)?.peerFinished ?? false)
            }
        }
    }

    /// Moves what fits from the connection into its stream; signals the end once everything before the
    /// peer's FIN was delivered. Bytes for a connection without a stream are dropped, so it can be freed.
    /// - Parameters:
    ///   - handle: The connection.
    ///   - mux: Its multiplexer.
    package func serviceRead<Peer>(_ handle: UTPConnectionHandle, in mux: inout UTPMultiplexer<Peer>) {
        guard let (readable, peerFinished) = Self.readState(handle, in: mux) else { return }
        guard let core = self.streams[handle] else {
            if readable > 0 { _ = mux.read(from: handle) }
            return
        }
        var remaining = readable
        while remaining > 0 {
            let room = min(core.inboundRoom, Self.maximumDeliveryChunk)
            guard room > 0 else {
                core.deliver([], more: true)
                break
            }
            let bytes = mux.read(from: handle, maxBytes: room)
            guard !bytes.isEmpty else { break }
            remaining -= bytes.count
            core.deliver(bytes, more: remaining > 0 && room < Self.maximumDeliveryChunk)
        }
        if remaining == 0, peerFinished { core.finishInbound() }
    }

    /// Refreshes every stream's statistics snapshot.
    /// - Parameters:
    ///   - mux: The multiplexer.
    package func refreshStatistics<Peer>(in mux: UTPMultiplexer<Peer>) {
        for (handle, core) in self.streams { Self.refreshStatistics(handle, core, in: mux) }
    }

    private static func refreshStatistics<Peer>(
        _ handle: UTPConnectionHandle,
        _ core: UTPStreamCore,
        in mux: UTPMultiplexer<Peer>
    ) {
        if let statistics = mux.connection(handle)?.statistics { core.updateStatistics(statistics) }
    }

    /// The connection's unread byte count and end-of-stream flag (the snapshot dies before any mutation, so
    /// reading afterwards does not copy the buffers).
    private static func readState<Peer>(
        _ handle: UTPConnectionHandle,
        in mux: UTPMultiplexer<Peer>
    ) -> (readable: Int, peerFinished: Bool)? {
        guard let connection = mux.connection(handle) else { return nil }
        return (connection.readableBytes, connection.isPeerFinished)
    }
}

@available(*, unavailable)
extension UTPStreamTable: Sendable {}
