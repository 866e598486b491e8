// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The send side of one socket: a reused batch buffer, and `sendmmsg` straight on the socket's descriptor.
///
/// Why not NIO's datagram write path: it closes the channel on any send error other than `EMSGSIZE` and
/// `EHOSTUNREACH` (so one `ENETUNREACH` or `EPERM` for a bad peer address would end the node), and it
/// allocates a boxed envelope and a buffer per datagram. Here a failed datagram is counted and skipped.
/// NIO's path is used only when the kernel's send buffer is full (`EAGAIN`): the rest of the batch is
/// queued there, NIO waits for the socket to become writable, and later batches join that queue (so order
/// is kept) until it drains; then the handler hears ``DatagramHandler/becameWritable(sink:)``.
///
/// Confined to the transport's event loop.
final class SocketSender {
    /// One queued datagram: where its bytes are in the arena and where it goes.
    private struct Entry {
        var offset: Int
        var length: Int
        var destination: UDPEndpoint
    }

    /// Messages per `sendmmsg` call.
    private static let messagesPerCall = 64
    /// The kernel's limit on segments in one GSO message (`UDP_MAX_SEGMENTS`).
    private static let maximumSegments = 64
    /// `SOL_UDP`.
    private static let solUDP: CInt = 17
    /// `UDP_SEGMENT` (linux/udp.h).
    private static let udpSegment: CInt = 103
    /// `CMSG_ALIGN(sizeof(cmsghdr))`: where a control message's data starts.
    private static let controlHeaderSize = (MemoryLayout<cmsghdr>.size + 7) & ~7
    /// `CMSG_SPACE(sizeof(uint16_t))`.
    private static let controlSpace = controlHeaderSize + 8

    private let channel: any Channel
    private var descriptor: CInt
    /// Whether this is an IPv6 socket (IPv4 peers then get IPv4-mapped addresses).
    let isIPv6: Bool
    private var segmentationOffload: Bool
    private let counters: CounterBox
    private let logger: Logger
    private let maximumQueuedBytes: Int
    private let maximumPendingDatagrams: Int

    private var arena: UnsafeMutableRawPointer
    private var arenaCapacity: Int
    private var arenaUsed = 0
    private var entries: [Entry] = []

    private let headers: UnsafeMutablePointer<MessageHeader>
    private let vectors: UnsafeMutablePointer<iovec>
    private let addresses: UnsafeMutablePointer<sockaddr_in6>
    private let controls: UnsafeMutableRawPointer
    private let firstEntry: UnsafeMutablePointer<Int>
    private let datagramCount: UnsafeMutablePointer<Int>

    /// Bytes handed to NIO's queue and not yet written.
    private var queuedBytes = 0
    /// Groups of writes handed to NIO's queue and not yet completed.
    private var queuedGroups = 0

    /// Called when NIO's queue has drained.
    var onWritable: (() -> Void)?

    init(
        channel: any Channel,
        descriptor: CInt,
        isIPv6: Bool,
        segmentationOffload: Bool,
        configuration: DatagramTransportConfiguration,
        counters: CounterBox
    ) {
        self.channel = channel
        self.descriptor = descriptor
        self.isIPv6 = isIPv6
        self.segmentationOffload = segmentationOffload
        self.counters = counters
        self.logger = configuration.logger
        self.maximumQueuedBytes = configuration.maximumQueuedSendBytes
        self.maximumPendingDatagrams = max(1, configuration.maximumPendingDatagrams)
        self.arenaCapacity = 64 * 1024
        self.arena = UnsafeMutableRawPointer.allocate(byteCount: self.arenaCapacity, alignment: 16)
        self.entries.reserveCapacity(self.maximumPendingDatagrams)
        let count = Self.messagesPerCall
        self.headers = .allocate(capacity: count)
        self.headers.initialize(repeating: MessageHeader(header: msghdr(), length: 0), count: count)
        self.vectors = .allocate(capacity: count)
        self.vectors.initialize(repeating: iovec(), count: count)
        self.addresses = .allocate(capacity: count)
        self.addresses.initialize(repeating: sockaddr_in6(), count: count)
        self.controls = .allocate(byteCount: count * Self.controlSpace, alignment: 16)
        self.controls.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.controlSpace)
        self.firstEntry = .allocate(capacity: count)
        self.firstEntry.initialize(repeating: 0, count: count)
        self.datagramCount = .allocate(capacity: count)
        self.datagramCount.initialize(repeating: 0, count: count)
    }

    deinit {
        self.arena.deallocate()
        self.headers.deallocate()
        self.vectors.deallocate()
        self.addresses.deallocate()
        self.controls.deallocate()
        self.firstEntry.deallocate()
        self.datagramCount.deallocate()
    }

    /// Whether datagrams are waiting in NIO's queue for kernel buffer space.
    var isBacklogged: Bool { self.queuedGroups > 0 }

    /// Whether GSO is in use on this socket.
    var usesSegmentationOffload: Bool { self.segmentationOffload }

    /// Stops using the descriptor (the channel closed); later datagrams are dropped and counted.
    func invalidate() {
        self.descriptor = -1
        self.counters.values.sendDropped += UInt64(self.entries.count)
        self.entries.removeAll(keepingCapacity: true)
        self.arenaUsed = 0
    }

    /// Queues one datagram of at most `length` bytes that `encode` writes in place.
    func append(
        length: Int,
        to destination: UDPEndpoint,
        _ encode: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        if self.entries.count >= self.maximumPendingDatagrams {
            self.flush()
        }
        if self.arenaUsed + length > self.arenaCapacity {
            self.growArena(toHold: self.arenaUsed + length)
        }
        let written = try encode(UnsafeMutableRawBufferPointer(start: self.arena + self.arenaUsed, count: length))
        guard written >= 0 else { return }
        // Writing past the buffer it was given is a bug in the caller's encoder, not peer behaviour.
        precondition(written <= length, "encoder wrote \(written) bytes into a \(length)-byte buffer")
        self.entries.append(Entry(offset: self.arenaUsed, length: written, destination: destination))
        self.arenaUsed += written
    }

    private func growArena(toHold needed: Int) {
        var capacity = self.arenaCapacity
        while capacity < needed { capacity *= 2 }
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        bigger.copyMemory(from: self.arena, byteCount: self.arenaUsed)
        self.arena.deallocate()
        self.arena = bigger
        self.arenaCapacity = capacity
    }

    /// Writes every queued datagram.
    func flush() {
        guard !self.entries.isEmpty else { return }
        defer {
            self.entries.removeAll(keepingCapacity: true)
            self.arenaUsed = 0
        }
        guard self.descriptor >= 0 else {
            self.counters.values.sendDropped += UInt64(self.entries.count)
            return
        }
        if self.queuedGroups > 0 {
            self.enqueueInNIO(from: 0)
            return
        }
        var index = 0
        batches: while index < self.entries.count {
            let (messages, next) = self.prepareMessages(from: index)
            var done = 0
            while done < messages {
                let result = SystemCalls.sendMessages(self.descriptor, self.headers + done, count: messages - done)
                self.counters.values.sendCalls += 1
                if result > 0 {
                    for message in done..<(done + result) {
                        let datagrams = self.datagramCount[message]
                        self.counters.values.datagramsSent += UInt64(datagrams)
                        self.counters.values.bytesSent += UInt64(self.headers[message].length)
                        if datagrams > 1 { self.counters.values.segmentedMessages += 1 }
                    }
                    done += result
                    continue
                }
                let code = errno
                switch code {
                case EINTR:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    self.counters.values.sendBlocked += 1
                    self.enqueueInNIO(from: self.firstEntry[done])
                    return
                default:
                    if self.datagramCount[done] > 1, code == EIO || code == EINVAL || code == ENOPROTOOPT {
                        // The route or device cannot segment: stop using GSO here and resend singly.
                        self.segmentationOffload = false
                        self.logger.debug("UDP segmentation offload failed; disabled", metadata: ["errno": "\(code)"])
                        index = self.firstEntry[done]
                        continue batches
                    }
                    let failed = self.entries[self.firstEntry[done]]
                    self.counters.values.sendErrors += UInt64(self.datagramCount[done])
                    self.logger.debug(
                        "sendmmsg failed",
                        metadata: ["to": "\(failed.destination)", "errno": "\(code)", "length": "\(failed.length)"]
                    )
                    done += 1
                }
            }
            index = next
        }
    }

    /// Fills the message headers for entries from `start`; returns the message count and the next entry.
    private func prepareMessages(from start: Int) -> (messages: Int, next: Int) {
        var index = start
        var messages = 0
        var previous: UDPEndpoint?
        var addressLength = socklen_t(0)
        while messages < Self.messagesPerCall, index < self.entries.count {
            let entry = self.entries[index]
            var run = 1
            var runBytes = entry.length
            if self.segmentationOffload, entry.length > 0 {
                while run < Self.maximumSegments, index + run < self.entries.count {
                    let next = self.entries[index + run]
                    guard next.destination == entry.destination, next.length > 0, next.length <= entry.length,
                        runBytes + next.length <= OutboundContext.maximumUDPPayload
                    else { break }
                    run += 1
                    runBytes += next.length
                    if next.length < entry.length { break }  // only the last segment may be shorter
                }
            }
            if previous != entry.destination {
                addressLength = self.writeAddress(entry.destination, into: messages)
                previous = entry.destination
            } else {
                self.addresses[messages] = self.addresses[messages - 1]
            }
            self.vectors[messages] = iovec(iov_base: self.arena + entry.offset, iov_len: runBytes)
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(self.addresses + messages)
            header.msg_namelen = addressLength
            header.msg_iov = self.vectors + messages
            header.msg_iovlen = 1
            if run > 1 {
                let control = self.controls + messages * Self.controlSpace
                let cmsg = control.assumingMemoryBound(to: cmsghdr.self)
                cmsg.pointee.cmsg_len = .init(Self.controlHeaderSize + 2)
                cmsg.pointee.cmsg_level = Self.solUDP
                cmsg.pointee.cmsg_type = Self.udpSegment
                control.storeBytes(of: UInt16(entry.length), toByteOffset: Self.controlHeaderSize, as: UInt16.self)
                header.msg_control = control
                header.msg_controllen = .init(Self.controlSpace)
            }
            self.headers[messages] = MessageHeader(header: header, length: 0)
            self.firstEntry[messages] = index
            self.datagramCount[messages] = run
            messages += 1
            index += run
        }
        return (messages, index)
    }

    /// Writes the socket address for `destination` into slot `slot`; returns its length.
    private func writeAddress(_ destination: UDPEndpoint, into slot: Int) -> socklen_t {
        if self.isIPv6 {
            self.addresses[slot] = Self.ipv6Address(destination)
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        }
        UnsafeMutableRawPointer(self.addresses + slot).storeBytes(
            of: Self.ipv4Address(destination),
            as: sockaddr_in.self
        )
        return socklen_t(MemoryLayout<sockaddr_in>.size)
    }

    private static func ipv4Address(_ destination: UDPEndpoint) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = destination.port.bigEndian
        address.sin_addr.s_addr = UInt32(truncatingIfNeeded: destination.low).bigEndian
        return address
    }

    private static func ipv6Address(_ destination: UDPEndpoint) -> sockaddr_in6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = destination.port.bigEndian
        // IPv4 peers on an IPv6 socket: ::ffff:a.b.c.d
        let high = destination.isIPv4 ? 0 : destination.high
        let low = destination.isIPv4 ? 0x0000_FFFF_0000_0000 | destination.low : destination.low
        withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return address
    }

    /// The slow path: hands entries from `start` to NIO, which writes them once the socket is writable.
    private func enqueueInNIO(from start: Int) {
        // First pass: which entries fit in the queue budget; the last of them carries the promise (NIO
        // completes datagram writes in order, so its completion means the whole group is done).
        var budget = self.maximumQueuedBytes - self.queuedBytes
        var last = -1
        for index in start..<self.entries.count
        where self.entries[index].length <= budget
            && (try? self.entries[index].destination.socketAddress(mappedToIPv6: self.isIPv6)) != nil
        {
            budget -= self.entries[index].length
            last = index
        }
        guard last >= 0 else {
            self.counters.values.sendDropped += UInt64(self.entries.count - start)
            return
        }
        budget = self.maximumQueuedBytes - self.queuedBytes
        var groupBytes = 0
        var groupDatagrams = 0
        let pipeline = self.channel.pipeline.syncOperations
        let promise = self.channel.eventLoop.makePromise(of: Void.self)
        var promiseAttached = false
        for index in start...last {
            let entry = self.entries[index]
            guard entry.length <= budget else {
                self.counters.values.sendDropped += 1
                continue
            }
            budget -= entry.length
            guard let address = try? entry.destination.socketAddress(mappedToIPv6: self.isIPv6) else {
                self.counters.values.sendErrors += 1
                continue
            }
            var buffer = self.channel.allocator.buffer(capacity: entry.length)
            buffer.writeBytes(UnsafeRawBufferPointer(start: self.arena + entry.offset, count: entry.length))
            let envelope = AddressedEnvelope(remoteAddress: address, data: buffer)
            pipeline.write(NIOAny(envelope), promise: index == last ? promise : nil)
            promiseAttached = promiseAttached || index == last
            groupBytes += entry.length
            groupDatagrams += 1
        }
        if !promiseAttached {
            // Cannot happen (the first pass chose `last` among sendable entries); never leak the promise.
            promise.fail(DatagramTransportError.closed())
        }
        self.counters.values.sendDropped += UInt64(self.entries.count - 1 - last)
        self.queuedBytes += groupBytes
        self.queuedGroups += 1
        promise.futureResult.assumeIsolated().whenComplete { [self] result in
            self.queuedBytes -= groupBytes
            self.queuedGroups -= 1
            switch result {
            case .success:
                self.counters.values.datagramsSent += UInt64(groupDatagrams)
                self.counters.values.bytesSent += UInt64(groupBytes)
            case .failure(let error):
                self.counters.values.sendErrors += UInt64(groupDatagrams)
                self.logger.debug("queued datagrams failed", metadata: ["error": "\(error)"])
            }
            if self.queuedGroups == 0 {
                // Not from inside this call chain (it may be within a flush): on the next loop tick.
                self.channel.eventLoop.assumeIsolated().execute { [self] in
                    if self.queuedGroups == 0 { self.onWritable?() }
                }
            }
        }
        pipeline.flush()
    }
}

@available(*, unavailable)
extension SocketSender: Sendable {}
