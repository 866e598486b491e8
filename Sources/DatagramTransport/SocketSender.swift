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
    /// `CMSG_ALIGN(sizeof(cmsghdr))` on 64-bit Linux (`size_t` length, `int` level, `int` type): where a
    /// control message's data starts.
    private static let controlHeaderSize = 16
    /// Bytes per socket-address slot (`sockaddr_in6` is 28).
    private static let addressStride = 32
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
    private let vectors: UnsafeMutablePointer<RawIOVector>
    private let addresses: UnsafeMutableRawPointer
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
        self.headers.initialize(repeating: MessageHeader(header: Self.emptyHeader, length: 0), count: count)
        self.vectors = .allocate(capacity: count)
        self.vectors.initialize(repeating: RawIOVector(base: nil, length: 0), count: count)
        self.addresses = .allocate(byteCount: count * Self.addressStride, alignment: 8)
        self.addresses.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.addressStride)
        self.controls = .allocate(byteCount: count * Self.controlSpace, alignment: 16)
        self.controls.initializeMemory(as: UInt8.self, repeating: 0, count: count * Self.controlSpace)
        self.firstEntry = .allocate(capacity: count)
        self.firstEntry.initialize(repeating: 0, count: count)
        self.datagramCount = .allocate(capacity: count)
        self.datagramCount.initialize(repeating: 0, count: count)
    }

    private static var emptyHeader: RawMessageHeader {
        RawMessageHeader(
            name: nil,
            nameLength: 0,
            vectors: nil,
            vectorCount: 0,
            control: nil,
            controlLength: 0,
            flags: 0
        )
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
            let address = self.addresses + messages * Self.addressStride
            if previous != entry.destination {
                addressLength = self.writeAddress(entry.destination, to: address)
                previous = entry.destination
            } else {
                address.copyMemory(from: address - Self.addressStride, byteCount: Self.addressStride)
            }
            self.vectors[messages] = RawIOVector(base: self.arena + entry.offset, length: runBytes)
            var header = Self.emptyHeader
            header.name = address
            header.nameLength = addressLength
            header.vectors = UnsafeMutableRawPointer(self.vectors + messages)
            header.vectorCount = 1
            if run > 1 {
                // cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; } then the u16 segment size.
                let control = self.controls + messages * Self.controlSpace
                control.storeBytes(of: Self.controlHeaderSize + 2, toByteOffset: 0, as: Int.self)
                control.storeBytes(of: Self.solUDP, toByteOffset: 8, as: CInt.self)
                control.storeBytes(of: Self.udpSegment, toByteOffset: 12, as: CInt.self)
                control.storeBytes(of: UInt16(entry.length), toByteOffset: Self.controlHeaderSize, as: UInt16.self)
                header.control = control
                header.controlLength = .init(Self.controlSpace)
            }
            self.headers[messages] = MessageHeader(header: header, length: 0)
            self.firstEntry[messages] = index
            self.datagramCount[messages] = run
            messages += 1
            index += run
        }
        return (messages, index)
    }

    /// Writes the `sockaddr_in`/`sockaddr_in6` bytes for `destination` at `address`; returns their length.
    /// Port at offset 2, IPv4 address at 4, IPv6 address at 8 (Linux and BSD alike); the family is a
    /// 16-bit field at 0 on Linux, a length byte and a family byte on BSD.
    private func writeAddress(_ destination: UDPEndpoint, to address: UnsafeMutableRawPointer) -> socklen_t {
        address.initializeMemory(as: UInt8.self, repeating: 0, count: Self.addressStride)
        let family = self.isIPv6 ? AF_INET6 : AF_INET
        let length = self.isIPv6 ? 28 : 16
        #if os(Linux)
        address.storeBytes(of: UInt16(family), toByteOffset: 0, as: UInt16.self)
        #else
        address.storeBytes(of: UInt8(length), toByteOffset: 0, as: UInt8.self)
        address.storeBytes(of: UInt8(family), toByteOffset: 1, as: UInt8.self)
        #endif
        address.storeBytes(of: destination.port.bigEndian, toByteOffset: 2, as: UInt16.self)
        if self.isIPv6 {
            // IPv4 peers on an IPv6 socket: ::ffff:a.b.c.d
            let high = destination.isIPv4 ? 0 : destination.high
            let low = destination.isIPv4 ? 0x0000_FFFF_0000_0000 | destination.low : destination.low
            address.storeBytes(of: high.bigEndian, toByteOffset: 8, as: UInt64.self)
            address.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt64.self)
        } else {
            address.storeBytes(
                of: UInt32(truncatingIfNeeded: destination.low).bigEndian,
                toByteOffset: 4,
                as: UInt32.self
            )
        }
        return socklen_t(length)
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
