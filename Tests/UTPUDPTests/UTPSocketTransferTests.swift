// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import TestSupport
import Testing
import UTP
import UTPUDP

@Suite("UTPSocket transfers over 127.0.0.1")
struct UTPSocketTransferTests {
    static let size = 8 << 20

    @Test func clientToListener8MiBIsByteExact() async throws {
        let data = testBytes(count: Self.size, seed: 1)
        let received = try await SocketPair.with { listener, client in
            let (outbound, inbound) = try await SocketPair.connect(client, to: listener)
            async let reading = inbound.readToEnd(maxBytes: Self.size)
            try await writeAll(data, to: outbound)
            let bytes = try await reading
            await closeBoth(inbound, outbound)
            return bytes
        }
        #expect(received.count == data.count)
        #expect(SHA256.hash(received) == SHA256.hash(data))
    }

    @Test func listenerToClient8MiBIsByteExact() async throws {
        let data = testBytes(count: Self.size, seed: 2)
        let received = try await SocketPair.with { listener, client in
            let (outbound, inbound) = try await SocketPair.connect(client, to: listener)
            async let reading = outbound.readToEnd(maxBytes: Self.size)
            try await writeAll(data, to: inbound)
            let bytes = try await reading
            await closeBoth(inbound, outbound)
            return bytes
        }
        #expect(SHA256.hash(received) == SHA256.hash(data))
    }

    @Test func bothDirectionsAtOnce8MiBEachAreByteExact() async throws {
        let up = testBytes(count: Self.size, seed: 3)
        let down = testBytes(count: Self.size, seed: 4)
        let (gotUp, gotDown) = try await SocketPair.with { listener, client in
            let (clientStream, listenerStream) = try await SocketPair.connect(client, to: listener)
            async let readUp = listenerStream.readToEnd(maxBytes: Self.size)
            async let readDown = clientStream.readToEnd(maxBytes: Self.size)
            async let writeUp: Void = writeAll(up, to: clientStream)
            try await writeAll(down, to: listenerStream)
            try await writeUp
            let result = (try await readUp, try await readDown)
            await closeBoth(clientStream, listenerStream)
            return result
        }
        #expect(SHA256.hash(gotUp) == SHA256.hash(up))
        #expect(SHA256.hash(gotDown) == SHA256.hash(down))
    }

    @Test func statisticsCountTheTransfer() async throws {
        let data = testBytes(count: 1 << 20, seed: 5)
        let statistics = try await SocketPair.with { listener, client in
            let (outbound, inbound) = try await SocketPair.connect(client, to: listener)
            async let reading = inbound.readToEnd(maxBytes: data.count)
            try await writeAll(data, to: outbound)
            _ = try await reading
            await closeBoth(outbound, inbound)
            return (outbound.statistics, inbound.statistics)
        }
        #expect(statistics.0.bytesSent >= data.count)
        #expect(statistics.1.bytesReceived == data.count)
        #expect(statistics.0.smoothedRTT != nil)
    }
}
