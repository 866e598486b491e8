// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Synchronization
import TestSupport
import Testing
import UTP
import UTPUDP

@Suite("UTPSocket stream semantics over 127.0.0.1")
struct UTPSocketBehaviourTests {
    @Test func halfCloseLetsThePeerStillWriteBack() async throws {
        let request = testBytes(count: 100_000, seed: 10)
        let reply = testBytes(count: 300_000, seed: 11)
        let (gotRequest, gotReply) = try await SocketPair.with { listener, client in
            let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
            // The client writes and sends FIN; the listener reads to that FIN, then answers.
            try await writeAll(request, to: clientStream)
            let gotRequest = try await listenerStream.readToEnd(maxBytes: request.count)
            try await writeAll(reply, to: listenerStream)
            let gotReply = try await clientStream.readToEnd(maxBytes: reply.count)
            await closeBoth(clientStream, listenerStream)
            return (gotRequest, gotReply)
        }
        #expect(gotRequest == request)
        #expect(gotReply == reply)
    }

    @Test func writeAfterFinishThrowsClosed() async throws {
        try await SocketPair.with { listener, client in
            let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
            await clientStream.finish()
            await #expect(throws: UTPError.self) { try await clientStream.write([1, 2, 3]) }
            #expect(try await listenerStream.read(upTo: 10).isEmpty)
            await closeBoth(clientStream, listenerStream)
        }
    }

    @Test func resetPropagatesAsAnErrorToTheReader() async throws {
        let error = try await SocketPair.with { listener, client in
            let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
            try await clientStream.write(testBytes(count: 10_000, seed: 12))
            clientStream.reset()
            do {
                _ = try await listenerStream.readToEnd(maxBytes: 1 << 20)
                return UTPError?.none
            } catch let error as UTPError {
                return error
            }
        }
        #expect(error?.code == .connectionReset)
    }

    @Test func connectToAPortWithoutListenerTimesOut() async throws {
        // A bound socket that never answers: nothing listens there for uTP.
        let silent = try await DatagramTransport.bind(
            configuration: .init(binding: .ipv4(host: "127.0.0.1", port: 0)),
            handler: SilentHandler()
        )
        var configuration = UTPSocket.Configuration(host: "127.0.0.1")
        configuration.connection.synRetransmissionTimeout = .milliseconds(50)
        configuration.connection.maximumSynTransmissions = 2
        let client = try await UTPSocket.bind(configuration)
        let error = await #expect(throws: UTPError.self) {
            _ = try await withTimeout(.seconds(20)) { try await client.connect(to: silent.localEndpoint) }
        }
        #expect(error?.code == .timedOut)
        await client.close()
        await silent.close()
    }

    @Test func connectToASocketThatRefusesIsRefused() async throws {
        let error = try await SocketPair.with(
            listener: { $0.acceptsIncomingConnections = false },
            { listener, client in
                do {
                    _ = try await client.connect(to: listener.localEndpoint)
                    return UTPError?.none
                } catch let error as UTPError {
                    return error
                }
            }
        )
        #expect(error?.code == .refused)
    }

    @Test func writerSuspendsWhileTheReaderDoesNotRead() async throws {
        let window = 256 << 10
        let total = 16 << 20
        let written = ByteCounter()
        let received = try await SocketPair.with(
            listener: {
                $0.streamBufferSize = window
                $0.connection.receiveWindow = window
            },
            client: { $0.connection.sendBufferSize = window },
            { listener, client in
                let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
                let writer = Task {
                    let chunk = testBytes(count: 64 << 10, seed: 13)
                    while written.value < total {
                        try await clientStream.write(chunk)
                        written.add(chunk.count)
                    }
                    await clientStream.finish()
                }
                // The unread stream buffer, the receive window and the send buffer fill up, then the writer stops:
                // it can never get further ahead than those three plus the write in progress.
                let bound = window * 3 + (64 << 10)
                try await waitUntil { written.value >= window * 2 }
                #expect(written.value <= bound)
                #expect(written.value < total)
                // Reading releases it and every byte arrives.
                let bytes = try await listenerStream.readToEnd(maxBytes: total)
                try await writer.value
                await closeBoth(clientStream, listenerStream)
                return bytes.count
            }
        )
        #expect(received == total)
    }

    @Test func cancellingABlockedReadThrowsAndLeavesTheStreamUsable() async throws {
        let after = try await SocketPair.with { listener, client in
            let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
            let blocked = Task { try await listenerStream.read(upTo: 100) }
            blocked.cancel()
            await #expect(throws: CancellationError.self) { _ = try await blocked.value }
            try await writeAll([7, 8, 9], to: clientStream)
            let bytes = try await listenerStream.readToEnd(maxBytes: 100)
            await closeBoth(clientStream, listenerStream)
            return bytes
        }
        #expect(after == [7, 8, 9])
    }

    @Test func droppingAStreamResetsItsConnection() async throws {
        let error = try await SocketPair.with { listener, client in
            async let accepted = listener.accept()
            do {
                let dropped = try await client.connect(to: listener.localEndpoint)
                try await dropped.write([1])
            }
            let listenerStream = try await accepted
            do {
                _ = try await listenerStream.readToEnd(maxBytes: 100)
                return UTPError?.none
            } catch let error as UTPError {
                return error
            }
        }
        #expect(error?.code == .connectionReset)
    }

    @Test func closingTheSocketEndsAcceptAndIncoming() async throws {
        let socket = try await UTPSocket.bind(.init(host: "127.0.0.1"))
        let waiting = Task { () -> Int in
            var count = 0
            for try await _ in socket.incoming { count += 1 }
            return count
        }
        await socket.close()
        #expect(try await withTimeout(.seconds(10)) { try await waiting.value } == 0)
        await #expect(throws: UTPError.self) { _ = try await socket.accept() }
    }
}

/// Receives and ignores everything.
final class SilentHandler: DatagramHandler {
    func received(_ datagram: ReceivedDatagram, sink: inout DatagramSink) {}
}

/// A byte count shared between tasks.
final class ByteCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { self.count.load(ordering: .relaxed) }

    func add(_ n: Int) {
        self.count.add(n, ordering: .relaxed)
    }
}
