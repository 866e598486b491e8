// SPDX-License-Identifier: Apache-2.0

/// The shell that owns a ``UTPMultiplexer`` and performs a ``UTPStream``'s I/O.
///
/// A stream calls these from any task; the driver carries each call to the thread or executor that owns the
/// multiplexer (one hop per call, never per packet). In the other direction the driver pushes inbound data and
/// events into the stream's ``UTPStreamCore``. Both the raw-UDP socket (`UTPUDP`) and the discv5 node's
/// uTP-over-TALKREQ service implement it, which keeps `UTP` free of any transport.
package protocol UTPStreamDriver: Sendable {
    /// Queues bytes on the connection and starts sending them.
    /// - Parameters:
    ///   - bytes: At most a few hundred KiB; the stream splits larger writes.
    ///   - handle: The connection.
    /// - Returns: How many bytes the send buffer took (0 when it is full; the driver then raises
    ///   ``UTPStreamCore/signalWritable()`` once room frees up).
    /// - Throws: ``UTPError`` `closed` when the transport is gone.
    func write(_ bytes: [UInt8], to handle: UTPConnectionHandle) async throws -> Int

    /// Half-closes the connection's send side (FIN after the buffered bytes).
    /// - Parameters:
    ///   - handle: The connection.
    func finish(_ handle: UTPConnectionHandle)

    /// Aborts the connection with ST_RESET.
    /// - Parameters:
    ///   - handle: The connection.
    func reset(_ handle: UTPConnectionHandle)

    /// The stream's unread buffer has room again: move more bytes out of the connection.
    /// - Parameters:
    ///   - handle: The connection.
    func resumeReading(_ handle: UTPConnectionHandle)

    /// The stream handle is gone: reset the connection unless it already closed, and forget the stream.
    /// - Parameters:
    ///   - handle: The connection.
    func release(_ handle: UTPConnectionHandle)
}
