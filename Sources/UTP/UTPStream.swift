// SPDX-License-Identifier: Apache-2.0

/// An established uTP connection as an async byte stream.
///
/// Obtain one from a transport shell (`UTPSocket` over raw UDP, or the discv5 node's uTP service); the
/// shell's driver moves the bytes. Writes apply real backpressure: ``write(_:)`` suspends while the
/// connection's send buffer is full. Reads come from a bounded buffer: when the reader falls behind, the
/// driver stops taking data from the connection, so the receive window it advertises closes and the sender
/// slows down.
///
/// ```swift
/// let stream = try await socket.connect(to: peer)
/// try await stream.write(request)
/// await stream.finish()                       // FIN: our side is done, reading continues
/// for try await chunk in stream.inbound { consume(chunk) }   // ends at the peer's FIN
/// await stream.close()
/// ```
///
/// A failed transfer never looks like success: the inbound sequence only ends normally at the peer's FIN;
/// a reset, timeout or local close throws a ``UTPError`` (`connectionReset`, `timedOut`, `refused`, `closed`).
/// Cancelling a task suspended in a read or write throws `CancellationError` and leaves the stream usable.
/// Dropping the last reference without ``close()`` resets the connection.
public final class UTPStream: Sendable {
    /// Bytes handed to the driver per hop; larger writes are split.
    static let writeChunkSize = 256 << 10

    package let core: UTPStreamCore
    private let driver: any UTPStreamDriver
    private let closeTimeout: Duration

    /// Creates the handle; called by a driver once the connection exists.
    /// - Parameters:
    ///   - core: The state shared with the driver.
    ///   - driver: Performs the I/O.
    ///   - closeTimeout: The most ``close()`` waits for both directions to end before resetting.
    package init(core: UTPStreamCore, driver: any UTPStreamDriver, closeTimeout: Duration) {
        self.core = core
        self.driver = driver
        self.closeTimeout = closeTimeout
    }

    deinit {
        self.driver.release(self.core.handle)
    }

    /// A readable name of the peer (for example `127.0.0.1:6881`).
    public var remote: String { self.core.remote }

    /// Live counters of the connection: bytes sent and received, RTT, congestion window, retransmissions,
    /// duplicates. Refreshed by the driver as the transfer progresses, and final once the stream closed.
    public var statistics: UTPStatistics { self.core.statistics }

    // MARK: - Writing

    /// Sends bytes, suspending while the send buffer is full.
    ///
    /// Returns once every byte is in the connection's send buffer (not yet acknowledged; ``close()`` waits
    /// for that).
    /// - Parameters:
    ///   - bytes: The bytes.
    /// - Throws: ``UTPError`` `closed` after ``finish()``/``reset()`` or a local close, `connectionReset`,
    ///   `timedOut`; `CancellationError` when the task is cancelled (a prefix of `bytes` may have been queued).
    public func write(_ bytes: some Collection<UInt8>) async throws {
        let all = Array(bytes)
        var offset = 0
        while offset < all.count {
            if let error = self.core.writeError { throw error }
            try Task.checkCancellation()
            let generation = self.core.writableGeneration
            let end = min(all.count, offset + Self.writeChunkSize)
            let chunk = offset == 0 && end == all.count ? all : Array(all[offset..<end])
            let accepted = try await self.driver.write(chunk, to: self.core.handle)
            offset += accepted
            if accepted < chunk.count {
                try await self.core.wait(for: .write(generation: generation))
            }
        }
        if all.isEmpty, let error = self.core.writeError { throw error }
    }

    /// Half-closes the stream: a FIN follows the bytes already written. Reading continues until the peer's
    /// FIN. Idempotent.
    public func finish() async {
        if self.core.markFinished() { self.driver.finish(self.core.handle) }
    }

    /// Finishes (FIN), discards any unread and further inbound bytes, and waits until both directions have
    /// ended and our FIN is acknowledged, at most the close timeout the shell configured; then resets.
    public func close() async {
        await self.finish()
        if self.core.startDiscarding() { self.driver.resumeReading(self.core.handle) }
        let core = self.core
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await core.wait(for: .terminate)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask { [closeTimeout] in
                try? await Task.sleep(for: closeTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished { self.reset() }
    }

    /// Aborts the connection with ST_RESET; pending and later reads and writes throw ``UTPError`` `closed`.
    public func reset() {
        if self.core.markReset() { self.driver.reset(self.core.handle) }
    }

    // MARK: - Reading

    /// The inbound bytes as chunks; ends at the peer's FIN, throws on reset, timeout or local close.
    public var inbound: Inbound { Inbound(stream: self) }

    /// Reads up to `maxBytes` bytes, suspending until some arrive.
    /// - Parameters:
    ///   - maxBytes: The most bytes to return (at least 1).
    /// - Returns: The bytes; empty at the end of the stream (the peer's FIN).
    /// - Throws: ``UTPError`` (`connectionReset`, `timedOut`, `closed`) or `CancellationError`.
    public func read(upTo maxBytes: Int) async throws -> [UInt8] {
        precondition(maxBytes > 0, "read(upTo:) needs a positive count")
        return try await self.next(maxBytes: maxBytes) ?? []
    }

    /// Reads everything until the peer's FIN.
    /// - Parameters:
    ///   - maxBytes: The most bytes accepted.
    /// - Returns: All bytes the peer sent.
    /// - Throws: ``UTPError`` `bufferLimitExceeded` if more than `maxBytes` arrive (the stream is then reset),
    ///   or any error of ``read(upTo:)``.
    public func readToEnd(maxBytes: Int) async throws -> [UInt8] {
        var result: [UInt8] = []
        while let chunk = try await self.next(maxBytes: .max) {
            guard chunk.count <= maxBytes - result.count else {
                self.reset()
                throw UTPError.bufferLimitExceeded(maxBytes)
            }
            result.append(contentsOf: chunk)
        }
        return result
    }

    /// The next chunk, `nil` at the end of the stream.
    func next(maxBytes: Int) async throws -> [UInt8]? {
        while true {
            if let (bytes, resume) = try self.core.take(maxBytes: maxBytes) {
                if resume { self.driver.resumeReading(self.core.handle) }
                return bytes
            }
            try await self.core.wait(for: .read)
        }
    }
}
