// SPDX-License-Identifier: Apache-2.0

import Testing

import struct TestSupport.SplitMix64

@testable import UTP

/// The uTP limits pushed past their bounds: connections in total and per peer, SYN floods with
/// random connection ids, the out-of-order buffer and the send buffer.
@Suite("uTP limits")
struct UTPLimitsTests {
    typealias Mux = UTPMultiplexer<UInt32>

    /// Sends `count` SYNs with random connection ids from `peers` peers, polling replies after
    /// each batch of 64 as a shell does; returns (bytes in, packets out, bytes out).
    private func flood(
        _ mux: inout Mux,
        count: Int,
        peers: UInt32,
        seed: UInt64,
        now: UTPInstant = .zero
    ) -> (bytesIn: Int, packetsOut: Int, bytesOut: Int) {
        var random = SplitMix64(seed: seed)
        var bytesIn = 0
        var packetsOut = 0
        var bytesOut = 0
        var buffer: [UInt8] = []
        for index in 0..<count {
            let syn = UTPPacket(
                type: .syn,
                connectionID: UInt16(truncatingIfNeeded: random.next()),
                windowSize: 1 << 20,
                sequenceNumber: UInt16(truncatingIfNeeded: random.next()),
                ackNumber: 0
            )
            var encoded: [UInt8] = []
            syn.encode(into: &encoded)
            bytesIn += encoded.count
            mux.handle(datagram: encoded[...], from: UInt32(truncatingIfNeeded: random.next()) % peers, now: now)
            if index % 64 == 63 || index == count - 1 {
                mux.flushAcks()
                while mux.pollTransmit(now: now, into: &buffer) != nil {
                    packetsOut += 1
                    bytesOut += buffer.count
                }
            }
        }
        return (bytesIn, packetsOut, bytesOut)
    }

    @Test func synFloodWithRandomIDsIsRefusedWithoutStateAndWithoutAmplification() {
        // The discv5 service's mode: the firewall refuses a SYN nobody expects.
        var mux = Mux(seed: 1)
        let (bytesIn, packetsOut, bytesOut) = flood(&mux, count: 20_000, peers: 5000, seed: 7)
        #expect(mux.count == 0)
        // At most one RESET per SYN, each no larger than the SYN.
        #expect(packetsOut <= 20_000)
        #expect(bytesOut <= bytesIn)
    }

    @Test func refusalsQueuedBetweenPollsAreCapped() {
        var mux = Mux(seed: 1)
        var random = SplitMix64(seed: 9)
        for _ in 0..<5000 {
            let syn = UTPPacket(
                type: .syn,
                connectionID: UInt16(truncatingIfNeeded: random.next()),
                sequenceNumber: 1,
                ackNumber: 0
            )
            mux.handle(syn, from: UInt32(truncatingIfNeeded: random.next()), now: .zero)
        }
        var buffer: [UInt8] = []
        var replies = 0
        while mux.pollTransmit(now: .zero, into: &buffer) != nil { replies += 1 }
        #expect(replies == Mux.maximumQueuedRefusals)
    }

    @Test func synFloodInAcceptModeStaysWithinTheConnectionLimitsAndDrains() {
        // The raw-UDP listener's mode: any SYN is accepted while the limits allow.
        var configuration = Mux.Configuration()
        configuration.acceptsUnexpectedConnections = true
        var mux = Mux(configuration: configuration, seed: 1)
        let (bytesIn, _, bytesOut) = flood(&mux, count: 20_000, peers: 5000, seed: 7)
        #expect(mux.count == configuration.maximumConnections)
        #expect(bytesOut <= bytesIn)

        // One peer alone gets no more than its share.
        var single = Mux(configuration: configuration, seed: 2)
        _ = flood(&single, count: 1000, peers: 1, seed: 8)
        #expect(single.count == configuration.maximumConnectionsPerPeer)

        // Nobody follows up: every half-open connection idles out and is released.
        var now = UTPInstant.zero
        var buffer: [UInt8] = []
        for _ in 0..<40 {
            now = UTPInstant(nanoseconds: now.nanoseconds + 1_000_000_000)
            mux.handleTimeout(now: now)
            while mux.pollTransmit(now: now, into: &buffer) != nil {}
            while mux.pollEvent() != nil {}
        }
        #expect(mux.count == 0)
    }

    @Test func pendingExpectationsCountAgainstTheLimitsAndExpire() throws {
        var configuration = Mux.Configuration()
        configuration.maximumConnections = 8
        configuration.maximumConnectionsPerPeer = 3
        var mux = Mux(configuration: configuration, seed: 1)
        let expiry = UTPInstant(nanoseconds: 20_000_000_000)
        for id: UInt16 in [10, 20, 30] { _ = try mux.expect(from: 1, connectionID: id, expiry: expiry) }
        #expect(throws: UTPError.self) { _ = try mux.expect(from: 1, connectionID: 40, expiry: expiry) }
        for peer: UInt32 in 2...6 { _ = try mux.expect(from: peer, connectionID: 10, expiry: expiry) }
        #expect(mux.count == 8)
        #expect(throws: UTPError.self) { _ = try mux.expect(from: 7, connectionID: 10, expiry: expiry) }
        mux.handleTimeout(now: expiry)
        #expect(mux.count == 0)
        _ = try mux.expect(from: 7, connectionID: 10, expiry: expiry)
    }

    /// A listener connection whose peer's next sequence number is `syn + 1`.
    private func acceptedConnection(_ configuration: UTPConfiguration = UTPConfiguration()) -> UTPConnection {
        let syn = UTPPacket(type: .syn, connectionID: 100, windowSize: 1 << 20, sequenceNumber: 1000, ackNumber: 0)
        return UTPConnection(
            acceptingSYN: syn,
            receiveID: 101,
            sendID: 100,
            initialSequenceNumber: 5000,
            configuration: configuration,
            now: .zero
        )
    }

    @Test func outOfOrderBufferIsBoundedByTheReceiveWindow() {
        var connection = acceptedConnection()
        let payload = [UInt8](repeating: 0xAB, count: 1024)[...]
        // Every packet but the next expected one, as far ahead as the sequence space allows.
        for distance in 1..<4000 {
            let data = UTPPacket(
                type: .data,
                connectionID: 101,
                windowSize: 1 << 20,
                sequenceNumber: UInt16(truncatingIfNeeded: 1001 + distance),
                ackNumber: 4999,
                payload: payload
            )
            _ = connection.handle(data, now: .zero)
        }
        let window = UTPConfiguration().receiveWindow
        #expect(connection.outOfOrderBytes <= window)
        #expect(connection.outOfOrderBytes > window - 1024)
        #expect(connection.outOfOrder.count <= UTPConfiguration().maximumPacketsInFlight)
        #expect(connection.freeReceiveSpace < 1024)
    }

    @Test func tinyOutOfOrderPayloadsDoNotPinTheirDatagrams() throws {
        var connection = acceptedConnection()
        // A one-byte payload behind a selective-ACK extension: the buffered copy holds one byte.
        var datagram: [UInt8] = []
        UTPPacket(
            type: .data,
            connectionID: 101,
            windowSize: 1 << 20,
            sequenceNumber: 1003,
            ackNumber: 4999,
            selectiveAck: UTPSelectiveAck(bytes: [UInt8](repeating: 0, count: 32)),
            payload: [0x42]
        ).encode(into: &datagram)
        let packet = try UTPPacket(decoding: datagram[...])
        _ = connection.handle(packet, now: .zero)
        let buffered = try #require(Array(connection.outOfOrder)[2])
        #expect(Array(buffered) == [0x42])
        #expect(buffered.startIndex == 0)
    }

    @Test func sendBufferRefusesWritesBeyondItsSize() {
        var configuration = UTPConfiguration()
        configuration.sendBufferSize = 64 << 10
        var connection = acceptedConnection(configuration)
        let chunk = [UInt8](repeating: 1, count: 10_000)
        var accepted = 0
        for _ in 0..<20 { accepted += connection.write(chunk) }
        #expect(accepted == 64 << 10)
        #expect(connection.writableBytes == 0)
        #expect(connection.write(chunk) == 0)
    }
}
