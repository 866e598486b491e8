// SPDX-License-Identifier: Apache-2.0

import Logging

/// What a ``DatagramSink`` writes into: the per-family socket senders and the wakeup request.
/// Confined to the transport's event loop.
@usableFromInline
final class OutboundContext {
    /// The IPv4 socket, if one is bound.
    var ipv4: SocketSender?
    /// The IPv6 socket, if one is bound.
    var ipv6: SocketSender?
    /// Whether IPv4 peers may be reached through the IPv6 socket (IPv4-mapped addresses).
    let ipv6CarriesIPv4: Bool
    /// The wakeup the handler asked for.
    @usableFromInline var wakeup: ContinuousClock.Instant?
    /// Whether ``wakeup`` changed since the transport last looked.
    var wakeupChanged = false
    private let counters: CounterBox
    private let logger: Logger

    init(ipv6CarriesIPv4: Bool, counters: CounterBox, logger: Logger) {
        self.ipv6CarriesIPv4 = ipv6CarriesIPv4
        self.counters = counters
        self.logger = logger
    }

    /// Largest UDP payload over IPv4 (65535 − 20-byte IP header − 8-byte UDP header).
    @usableFromInline static let maximumUDPPayload = 65_507

    /// Queues one datagram of at most `length` bytes, written by `encode`.
    @usableFromInline
    func send(
        length: Int,
        to destination: UDPEndpoint,
        _ encode: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        let sender: SocketSender?
        if destination.isIPv4 {
            sender = self.ipv4 ?? (self.ipv6CarriesIPv4 ? self.ipv6 : nil)
        } else {
            sender = self.ipv6
        }
        guard let sender else {
            self.reject(destination, length: length, reason: "no socket of this address family")
            return
        }
        guard destination.port != 0, !destination.isUnspecified else {
            self.reject(destination, length: length, reason: "unspecified address or port 0")
            return
        }
        guard length >= 0, length <= Self.maximumUDPPayload else {
            self.reject(destination, length: length, reason: "datagram too large")
            return
        }
        try sender.append(length: length, to: destination, encode)
    }

    private func reject(_ destination: UDPEndpoint, length: Int, reason: String) {
        self.counters.values.sendErrors += 1
        self.logger.debug(
            "datagram not sent",
            metadata: ["to": "\(destination)", "length": "\(length)", "reason": "\(reason)"]
        )
    }

    /// Writes everything queued on every socket.
    func flush() {
        self.ipv4?.flush()
        self.ipv6?.flush()
    }

    /// Whether no socket has datagrams waiting for kernel buffer space.
    var isWritable: Bool {
        !(self.ipv4?.isBacklogged ?? false) && !(self.ipv6?.isBacklogged ?? false)
    }

    /// Records the handler's wakeup request.
    func requestWakeup(_ deadline: ContinuousClock.Instant?) {
        self.wakeup = deadline
        self.wakeupChanged = true
    }
}

@available(*, unavailable)
extension OutboundContext: Sendable {}
