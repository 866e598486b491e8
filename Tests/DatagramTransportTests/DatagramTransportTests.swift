// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real UDP on 127.0.0.1 and ::1. Every wait is a bounded poll of handler state or counters.
@Suite(.timeLimit(.minutes(2)))
struct DatagramTransportTests {
    typealias Transport = DatagramTransport<RecordingHandler>

    private func bind(
        _ handler: sending RecordingHandler,
        host: String = "127.0.0.1",
        configure: (inout DatagramTransportConfiguration) -> Void = { _ in }
    ) async throws -> Transport {
        var configuration = DatagramTransportConfiguration(
            binding: host.contains(":") ? .ipv6(host: host, port: 0, v6Only: true) : .ipv4(host: host, port: 0)
        )
        configure(&configuration)
        return try await DatagramTransport.bind(configuration: configuration, handler: handler)
    }

    private func receivedCount(_ transport: Transport) async throws -> Int {
        try await transport.submit { handler, _ in handler.datagrams.count }
    }

    // MARK: Exchange

    @Test(arguments: [1, 64])
    func exchangesTenThousandDatagramsIntactInAckedWindows(vectorReadMessageCount: Int) async throws {
        let receiver = try await self.bind(RecordingHandler(reply: .acknowledgeSequence)) {
            $0.vectorReadMessageCount = vectorReadMessageCount
        }
        let sender = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        let total: UInt32 = 10_000
        let window: UInt32 = 100
        var next: UInt32 = 0
        while next < total {
            let first = next
            let last = min(next + window, total)
            try await sender.submit { _, sink in
                for sequence in first..<last {
                    sink.send(TestDatagram.make(sequence: sequence), to: target)
                }
            }
            next = last
            // The receiver acknowledges each datagram; the next window waits for all of this one.
            try await waitUntil("acknowledgements up to \(last)") {
                try await self.receivedCount(sender) == Int(last)
            }
        }
        // Sizes below the 8-byte header, checked by content.
        try await sender.submit { _, sink in
            for size in 1...7 { sink.send([UInt8](repeating: UInt8(size), count: size), to: target) }
        }
        try await waitUntil("the small datagrams") { try await self.receivedCount(receiver) == 10_007 }

        let (intact, distinct, small, sources) = try await receiver.submit { handler, _ in
            let sequences = handler.datagrams.prefix(10_000).compactMap { TestDatagram.check($0.bytes) }
            let small = handler.datagrams.suffix(7).map(\.bytes)
            return (sequences.count, Set(sequences).count, small, Set(handler.datagrams.map(\.source)))
        }
        #expect(intact == 10_000)
        #expect(distinct == 10_000)
        #expect(small == (1...7).map { [UInt8](repeating: UInt8($0), count: $0) })
        #expect(sources == [sender.localEndpoint])
        #expect(receiver.statistics.datagramsReceived == 10_007)
        #expect(sender.statistics.datagramsSent == 10_007)
        #expect(sender.statistics.sendErrors == 0)
        #expect(receiver.statistics.truncated == 0)
        await sender.close()
        await receiver.close()
    }

    // MARK: Size limits

    @Test(arguments: [(1, false), (64, false), (64, true)])
    func acceptsMaximumDatagramSizeAndCountsMaximumPlusOne(
        vectorReadMessageCount: Int,
        receiveOffload: Bool
    ) async throws {
        let maximum = 1500
        let receiver = try await self.bind(RecordingHandler()) {
            $0.maximumDatagramSize = maximum
            $0.vectorReadMessageCount = vectorReadMessageCount
            $0.receiveOffload = receiveOffload
        }
        let sender = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        try await sender.submit { _, sink in
            sink.send([UInt8](repeating: 1, count: maximum), to: target)
            sink.send([UInt8](repeating: 2, count: maximum + 1), to: target)
            sink.send([UInt8](repeating: 3, count: 10), to: target)
        }
        try await waitUntil("two datagrams and one oversize") {
            receiver.statistics.truncated == 1 && receiver.statistics.datagramsReceived == 2
        }
        let sizes = try await receiver.submit { handler, _ in handler.datagrams.map(\.bytes.count) }
        #expect(sizes == [maximum, 10])
        #expect(!receiver.isClosed)
        await sender.close()
        await receiver.close()
    }

    // MARK: Batches

    @Test
    func endsEveryReadBatchAndFlushesWhatItSent() async throws {
        // The receiver echoes every datagram from `received` and sends one more datagram per batch from
        // `receiveBatchEnded`; both kinds must reach the sender.
        let receiver = try await self.bind(RecordingHandler(reply: .echo, acknowledgeBatches: true))
        let sender = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        try await sender.submit { _, sink in
            for index in 0..<50 { sink.send([UInt8](repeating: UInt8(index), count: 100), to: target) }
        }
        try await waitUntil("50 datagrams at the receiver") { try await self.receivedCount(receiver) == 50 }
        let (events, batchEnds) = try await receiver.submit { handler, _ in (handler.events, handler.batchEnds) }
        #expect(events.last == .batchEnded)
        #expect(events.first != .batchEnded)
        #expect(batchEnds >= 1)
        #expect(receiver.statistics.receiveBatches == UInt64(batchEnds))
        try await waitUntil("50 echoes and one acknowledgement per batch") {
            try await self.receivedCount(sender) == 50 + batchEnds
        }
        let received = try await sender.submit { handler, _ in handler.datagrams.map(\.bytes) }
        #expect(received.filter { $0.count == 100 }.count == 50)
        #expect(received.filter { $0 == [0xAC] }.count == batchEnds)
        await sender.close()
        await receiver.close()
    }

    @Test
    func cutsALongReadIntoBatchesOfTheConfiguredSize() async throws {
        // One burst of 200 equal datagrams (one GSO run when the kernel offers it, read back coalesced):
        // the receiver must still see a batch end after at most 8 of them, and its replies must leave.
        let receiver = try await self.bind(RecordingHandler(acknowledgeBatches: true)) { configuration in
            configuration.maximumBatchDatagrams = 8
        }
        let sender = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        try await sender.submit { _, sink in
            for index in 0..<200 {
                sink.send([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: 500), to: target)
            }
        }
        try await waitUntil("200 datagrams at the receiver") { try await self.receivedCount(receiver) == 200 }
        let (events, batchEnds) = try await receiver.submit { handler, _ in (handler.events, handler.batchEnds) }
        var run = 0
        var longestRun = 0
        for event in events {
            if case .received = event {
                run += 1
                longestRun = max(longestRun, run)
            } else if event == .batchEnded {
                run = 0
            }
        }
        #expect(longestRun <= 8)
        #expect(batchEnds >= 25)
        #expect(receiver.statistics.receiveBatches == UInt64(batchEnds))
        try await waitUntil("one acknowledgement per batch at the sender") {
            try await self.receivedCount(sender) == batchEnds
        }
        await sender.close()
        await receiver.close()
    }

    // MARK: execute, submit, close

    @Test
    func executeFromAnotherTaskSendsAndClosedTransportRefuses() async throws {
        let receiver = try await self.bind(RecordingHandler())
        let sender = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        try await Task.detached {
            try sender.execute { _, sink in sink.send(Array("hello".utf8), to: target) }
        }.value
        try await waitUntil("the datagram") { try await self.receivedCount(receiver) == 1 }
        let payload = try await receiver.submit { handler, _ in handler.datagrams[0].bytes }
        #expect(payload == Array("hello".utf8))

        await sender.close()
        #expect(sender.isClosed)
        #expect(throws: DatagramTransportError.self) {
            try sender.execute { _, sink in sink.send([1], to: target) }
        }
        await #expect(throws: DatagramTransportError.self) {
            try await sender.submit { _, _ in 1 }
        }
        do {
            try sender.execute { _, _ in }
        } catch let error as DatagramTransportError {
            #expect(error.code == .closed)
        }
        await sender.close()  // idempotent
        await receiver.close()
    }

    // MARK: Socket buffers

    @Test
    func receiveBufferReachesRequestPastTheKernelCapAsRoot() async throws {
        let cap = Self.readProcInteger("/proc/sys/net/core/rmem_max") ?? (4 << 20)
        let requested = cap * 3
        let transport = try await self.bind(RecordingHandler()) { $0.receiveBufferSize = requested }
        if getuid() == 0 {
            // SO_RCVBUFFORCE; Linux reports twice the granted size.
            #expect(transport.effectiveReceiveBufferSize >= requested)
        } else {
            // Capped at rmem_max; getsockopt reports twice that.
            #expect(transport.effectiveReceiveBufferSize >= min(requested, cap))
        }
        #expect(transport.effectiveSendBufferSize > 0)
        await transport.close()
    }

    private static func readProcInteger(_ path: String) -> Int? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var value = 0
        return fscanf_int(file, &value) ? value : nil
    }

    // MARK: Timer

    @Test
    func firesTheRequestedWakeupOnceAndFlushesItsSends() async throws {
        let receiver = try await self.bind(RecordingHandler())
        let transport = try await self.bind(RecordingHandler())
        try transport.execute { _, sink in
            sink.scheduleWakeup(at: .now + .milliseconds(30))
            sink.scheduleWakeup(at: .now + .milliseconds(10))  // replaces the first request
        }
        try await waitUntil("the wakeup") { try await transport.submit { handler, _ in handler.timerFirings } == 1 }
        let pending = try await transport.submit { _, sink in sink.scheduledWakeup }
        #expect(pending == nil)
        // A cancelled wakeup never fires: schedule, cancel, then prove the loop moved past its deadline.
        try await transport.submit { _, sink in
            sink.scheduleWakeup(at: .now + .milliseconds(5))
            sink.cancelWakeup()
        }
        let target = receiver.localEndpoint
        try await transport.submit { _, sink in sink.send([7], to: target) }
        try await waitUntil("the datagram") { try await self.receivedCount(receiver) == 1 }
        #expect(try await transport.submit { handler, _ in handler.timerFirings } == 1)
        await transport.close()
        await receiver.close()
    }

    // MARK: Errors

    @Test
    func unsendableDestinationsAreCountedAndNeverClose() async throws {
        let transport = try await self.bind(RecordingHandler())
        let receiver = try await self.bind(RecordingHandler())
        let target = receiver.localEndpoint
        try await transport.submit { _, sink in
            sink.send([1], to: UDPEndpoint("127.0.0.1:0")!)  // port 0
            sink.send([1], to: UDPEndpoint("0.0.0.0:9")!)  // unspecified
            sink.send([1], to: UDPEndpoint("[::1]:9")!)  // no IPv6 socket
            sink.send([UInt8](repeating: 0, count: 70_000), to: target)  // larger than UDP allows
            sink.send([2], to: target)
        }
        try await waitUntil("the good datagram") { try await self.receivedCount(receiver) == 1 }
        #expect(transport.statistics.sendErrors == 4)
        #expect(transport.statistics.datagramsSent == 1)
        #expect(!transport.isClosed)
        await transport.close()
        await receiver.close()
    }

    // MARK: IPv6 and dual stack

    @Test
    func echoesOverIPv6Loopback() async throws {
        let receiver = try await self.bind(RecordingHandler(reply: .echo), host: "::1")
        let sender = try await self.bind(RecordingHandler(), host: "::1")
        #expect(receiver.localEndpoint.description.hasPrefix("[::1]:"))
        let target = receiver.localEndpoint
        try await sender.submit { _, sink in sink.send([1, 2, 3], to: target) }
        try await waitUntil("the echo") { try await self.receivedCount(sender) == 1 }
        let source = try await receiver.submit { handler, _ in handler.datagrams[0].source }
        #expect(source == sender.localEndpoint)
        await sender.close()
        await receiver.close()
    }

    @Test
    func dualStackRepliesOnTheSocketOfThePeersFamily() async throws {
        var configuration = DatagramTransportConfiguration(
            binding: .dual(ipv4Host: "127.0.0.1", ipv6Host: "::1", port: 0)
        )
        configuration.receiveBufferSize = 1 << 20
        let receiver = try await DatagramTransport.bind(
            configuration: configuration,
            handler: RecordingHandler(reply: .echo)
        )
        #expect(receiver.localEndpoints.count == 2)
        #expect(receiver.localEndpoints[0].isIPv4 && !receiver.localEndpoints[1].isIPv4)
        #expect(receiver.localEndpoints[0].port == receiver.localEndpoints[1].port)
        let senderV4 = try await self.bind(RecordingHandler())
        let senderV6 = try await self.bind(RecordingHandler(), host: "::1")
        let targets = receiver.localEndpoints
        try await senderV4.submit { _, sink in sink.send([4], to: targets[0]) }
        try await senderV6.submit { _, sink in sink.send([6], to: targets[1]) }
        try await waitUntil("both echoes") {
            let v4 = try await self.receivedCount(senderV4)
            let v6 = try await self.receivedCount(senderV6)
            return v4 == 1 && v6 == 1
        }
        await senderV4.close()
        await senderV6.close()
        await receiver.close()
    }

    // MARK: Configuration

    @Test
    func rejectsInvalidConfiguration() async throws {
        var configuration = DatagramTransportConfiguration(binding: .ipv4(host: "127.0.0.1", port: 0))
        configuration.vectorReadMessageCount = 0
        await #expect(throws: DatagramTransportError.self) {
            _ = try await DatagramTransport.bind(configuration: configuration, handler: RecordingHandler())
        }
        configuration.vectorReadMessageCount = 64
        configuration.maximumBatchDatagrams = 0
        await #expect(throws: DatagramTransportError.self) {
            _ = try await DatagramTransport.bind(configuration: configuration, handler: RecordingHandler())
        }
    }
}

/// `fscanf(file, "%d")` without C varargs.
private func fscanf_int(_ file: UnsafeMutablePointer<FILE>, _ value: inout Int) -> Bool {
    var line = [CChar](repeating: 0, count: 64)
    guard fgets(&line, Int32(line.count), file) != nil else { return false }
    let text = String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    guard let parsed = Int(text) else { return false }
    value = parsed
    return true
}
