// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import TestSupport
import Testing
import UTP
import UTPUDP

#if canImport(Glibc)
import Glibc
#endif

@Suite("uTP socket under a SYN flood")
struct UTPSocketFloodTests {
    /// Sends `count` SYNs with random connection ids from one plain UDP socket and collects the
    /// replies. Returns (bytes sent, datagrams back, bytes back).
    private static func synFlood(to port: UInt16, count: Int) -> (sent: Int, replies: Int, replyBytes: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return (0, 0, 0) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var sent = 0
        var replies = 0
        var replyBytes = 0
        var buffer = [UInt8](repeating: 0, count: 2048)
        func drain(wait milliseconds: Int32) {
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            while poll(&descriptors, 1, milliseconds) > 0 {
                let length = recv(descriptor, &buffer, buffer.count, 0)
                guard length > 0 else { return }
                replies += 1
                replyBytes += length
            }
        }
        var random = SystemRandomNumberGenerator()
        for index in 0..<count {
            var syn: [UInt8] = []
            UTPPacket(
                type: .syn,
                connectionID: UInt16.random(in: 0...UInt16.max, using: &random),
                windowSize: 1 << 20,
                sequenceNumber: UInt16(truncatingIfNeeded: index),
                ackNumber: 0
            ).encode(into: &syn)
            let result = syn.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(
                            descriptor,
                            bytes.baseAddress,
                            bytes.count,
                            0,
                            $0,
                            socklen_t(MemoryLayout<sockaddr_in>.size)
                        )
                    }
                }
            }
            if result > 0 { sent += result }
            if index % 64 == 63 { drain(wait: 0) }
        }
        // Replies still on their way: wait until the listener has been quiet for 500 ms.
        drain(wait: 500)
        return (sent, replies, replyBytes)
    }

    @Test func synFloodFromOneSourceGetsNoMoreBackAndALegitimateClientStillTransfers() async throws {
        let payload = testBytes(count: 64 << 10, seed: 11)
        let outcome = try await SocketPair.with { listener, client in
            let flood = Self.synFlood(to: listener.localEndpoint.port, count: 5000)
            // The flooder's endpoint holds at most 16 connections; each accepted SYN gets one
            // STATE, every other SYN one RESET: one reply per SYN at most, never larger.
            #expect(flood.replies <= 5000)
            #expect(flood.replyBytes <= flood.sent)
            // The listener still serves others. Its accept queue holds the flood's half-open
            // connections first: skip them (at most the per-peer limit).
            let own = client.localEndpoint.description
            async let connected = client.connect(to: listener.localEndpoint)
            var accepted: UTPStream?
            var skipped = 0
            while accepted == nil, skipped <= UTPSocket.Configuration(host: "127.0.0.1").maximumConnectionsPerPeer {
                let stream = try await listener.accept()
                if stream.remote == own {
                    accepted = stream
                } else {
                    skipped += 1
                    stream.reset()
                }
            }
            let stream = try #require(accepted)
            let outgoing = try await connected
            try await writeAll(payload, to: outgoing)
            let received = try await stream.readToEnd(maxBytes: payload.count + 1)
            await outgoing.close()
            await stream.close()
            return (received, skipped)
        }
        #expect(outcome.0 == payload)
        #expect(outcome.1 <= 16)
    }
}
