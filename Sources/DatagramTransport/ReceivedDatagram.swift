// SPDX-License-Identifier: Apache-2.0

/// One received datagram, handed to ``DatagramHandler/received(_:sink:)``.
///
/// The bytes point into the transport's receive buffer, which is reused for the next read: they are valid only
/// for the duration of the call. Copy out what must be kept (or decode in place).
public struct ReceivedDatagram {
    /// The datagram's payload. Valid only during the `received` call.
    public let bytes: UnsafeRawBufferPointer
    /// The sender.
    public let source: UDPEndpoint

    /// Creates a datagram view (for tests and for engines that re-inject datagrams).
    ///
    /// - Parameters:
    ///   - bytes: The payload; must stay valid while the value is used.
    ///   - source: The sender.
    @inlinable
    public init(bytes: UnsafeRawBufferPointer, source: UDPEndpoint) {
        self.bytes = bytes
        self.source = source
    }

    /// The payload length in bytes.
    @inlinable
    public var count: Int { self.bytes.count }
}

@available(*, unavailable)
extension ReceivedDatagram: Sendable {}
