// SPDX-License-Identifier: Apache-2.0

// The measurements of the benchmark report that are not per-operation timings, each printed as
// one JSON line per result for Benchmarks/scripts/report.py:
//
//   bench-tool loss-sweep [MB=8]   uTP goodput through the simulated network at 0–20 % loss
//   bench-tool trace FILE.csv [LOSS%=1]  the sender's cwnd and RTT every 10 ms over a simulated 8 MB transfer
//   bench-tool handshakes [N=3000]        full discv5 handshakes per second of this thread's CPU time,
//                                         and as a share of the same run's secp256k1 ceiling
//   bench-tool memory-sessions [N=2000]   resident bytes per idle discv5 session
//   bench-tool memory-utp [N=2000]        resident bytes per idle uTP connection
//
// Each memory figure needs a process of its own: memory freed by an earlier measurement stays
// resident in the allocator and would hide the growth of the next one.

import BenchSupport
import Discv5Core
import Discv5Crypto
import Discv5Testing
import UTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

func fail(_ message: String) -> Never {
    let line = Array("bench-tool: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(2)
}

/// CPU seconds this thread has run: on a shared machine, time spent descheduled is not ours.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Complete handshakes (both sides' work, one thread) per CPU second and per wall-clock second, and
/// against the same run's crypto ceiling: the secp256k1 work no implementation can skip, timed in chunks
/// interleaved with the handshakes so that both see the same machine.
func handshakes(count: Int) {
    let initiator = BenchNode(index: 1)
    let recipient = BenchNode(index: 2)
    var now = Discv5Instant(nanoseconds: 1_000_000_000)
    var crypto = CryptoCeiling()
    for _ in 0..<100 {  // warm-up
        now = now.advanced(byMilliseconds: 1)
        precondition(handshake(from: initiator, to: recipient, now: now), "handshake failed")
        forgetSession(between: initiator, and: recipient)
        crypto.round()
    }
    var handshakeCPU = 0.0
    var handshakeWall = 0.0
    var cryptoCPU = 0.0
    var done = 0
    while done < count {
        let chunk = min(100, count - done)
        let handshakeStart = threadCPUSeconds()
        let wallStart = monotonicSeconds()
        for _ in 0..<chunk {
            now = now.advanced(byMilliseconds: 1)
            precondition(handshake(from: initiator, to: recipient, now: now), "handshake failed")
            forgetSession(between: initiator, and: recipient)
        }
        handshakeWall += monotonicSeconds() - wallStart
        let cryptoStart = threadCPUSeconds()
        handshakeCPU += cryptoStart - handshakeStart
        for _ in 0..<chunk { crypto.round() }
        cryptoCPU += threadCPUSeconds() - cryptoStart
        done += chunk
    }
    let perCPU = Double(count) / handshakeCPU
    let cryptoPerCPU = Double(count) / cryptoCPU
    print(
        #"{"name":"handshakes","count":\#(count),"cpu_seconds":\#(handshakeCPU),"wall_seconds":\#(handshakeWall),"#
            + #""per_cpu_second":\#(perCPU),"per_wall_second":\#(Double(count) / handshakeWall),"#
            + #""crypto_ceiling_per_cpu_second":\#(cryptoPerCPU),"#
            + #""ratio_to_crypto_ceiling":\#(perCPU / cryptoPerCPU)}"#
    )
}

/// The secp256k1 operations of one complete handshake with a record exchange (discv5-theory.md,
/// "Handshake Steps"), nothing else: the initiator makes an ephemeral key (one point multiplication),
/// derives the shared secret from the recipient's static key (ECDH) and signs the id nonce (ECDSA);
/// the recipient derives the same secret from the ephemeral key (ECDH), verifies the id signature and
/// the signature of the record the handshake carries (two ECDSA verifications).
struct CryptoCeiling {
    let initiatorKey = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x11, count: 32))
    let recipientKey = try! Secp256k1.PrivateKey(rawRepresentation: [UInt8](repeating: 0x22, count: 32))
    let initiatorPublic: Secp256k1.PublicKey
    let recipientPublic: Secp256k1.PublicKey
    let recordSignature: [UInt8]
    var digest = [UInt8](repeating: 0x33, count: 32)
    let recordDigest = [UInt8](repeating: 0x44, count: 32)

    init() {
        self.initiatorPublic = self.initiatorKey.publicKey
        self.recipientPublic = self.recipientKey.publicKey
        self.recordSignature = try! self.initiatorKey.signature(forDigest: self.recordDigest)
    }

    mutating func round() {
        let ephemeral = Secp256k1.PrivateKey()
        let ephemeralPublic = ephemeral.publicKey
        let initiatorSecret = try! ephemeral.sharedSecret(with: self.recipientPublic)
        let signature = try! self.initiatorKey.signature(forDigest: self.digest)
        let recipientSecret = try! self.recipientKey.sharedSecret(with: ephemeralPublic)
        precondition(initiatorSecret == recipientSecret, "ECDH disagrees")
        precondition(self.initiatorPublic.isValidSignature(signature, forDigest: self.digest), "bad id signature")
        precondition(
            self.initiatorPublic.isValidSignature(self.recordSignature, forDigest: self.recordDigest),
            "bad record signature"
        )
        // A new digest each round, as each handshake signs a new challenge.
        self.digest[0] &+= 1
    }
}

/// Goodput against loss rate: 100 Mbit/s each way, 10 ms one-way delay, losses in both directions.
func lossSweep(megabytes: Int) {
    for percent in [0, 0.5, 1, 2, 3, 5, 7.5, 10, 12.5, 15, 17.5, 20] {
        let started = monotonicSeconds()
        let result = transferInMemory(
            byteCount: megabytes * 1_000_000,
            network: .init(
                lossRate: percent / 100,
                baseDelay: 10_000_000,
                bandwidthBytesPerSecond: 12_500_000
            ),
            seed: UInt64(percent * 10) + 1,
            simulatedTimeLimit: 3600
        )
        let wall = monotonicSeconds() - started
        print(
            #"{"name":"loss","loss_percent":\#(percent),"bytes":\#(result.bytes),"completed":\#(result.completed),"#
                + #""sim_seconds":\#(result.simulatedSeconds),"mib_per_s":\#(result.simulatedMiBPerSecond),"#
                + #""datagrams":\#(result.datagramsSent),"lost":\#(result.datagramsLost),"wall_seconds":\#(wall),"#
                + #""failure":"\#(result.failure ?? "")"}"#
        )
    }
}

/// The sender's side of one simulated transfer, in the columns of `discv5 get --trace`.
func trace(path: String, lossPercent: Double) {
    guard let file = fopen(path, "w") else { fail("cannot create \(path)") }
    defer { fclose(file) }
    fputs("seconds,bytes,cwnd,rtt_ms,rto_ms,bytes_in_flight,retransmissions,timeouts\n", file)
    let result = transferInMemory(
        byteCount: 8_000_000,
        network: .init(lossRate: lossPercent / 100, baseDelay: 10_000_000, bandwidthBytesPerSecond: 12_500_000),
        seed: 7,
        simulatedTimeLimit: 3600
    ) { seconds, received, statistics in
        let rtt = statistics.smoothedRTT.map { "\(milliseconds($0))" } ?? ""
        fputs(
            "\(seconds),\(received),\(statistics.congestionWindow),\(rtt),"
                + "\(milliseconds(statistics.retransmissionTimeout)),\(statistics.bytesInFlight),"
                + "\(statistics.retransmissions),\(statistics.timeouts)\n",
            file
        )
    }
    print(
        #"{"name":"sim-trace","loss_percent":\#(lossPercent),"completed":\#(result.completed),"#
            + #""sim_seconds":\#(result.simulatedSeconds),"mib_per_s":\#(result.simulatedMiBPerSecond)}"#
    )
}

func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1000 + Double(attoseconds) / 1e15
}

/// Resident memory of `count` idle sessions on each side of `count` handshakes (2 × count sessions).
func sessionMemory(count: Int) -> Double {
    let server = BenchNode(index: 0)
    let peers = (1...count).map { BenchNode(index: $0) }
    let now = Discv5Instant(nanoseconds: 1_000_000_000)
    // One handshake outside the measurement, so lazily built tables and caches are already there.
    precondition(handshake(from: peers[0], to: server, now: now))
    let before = residentBytes()
    for peer in peers.dropFirst() {
        precondition(handshake(from: peer, to: server, now: now), "handshake failed")
    }
    let after = residentBytes()
    precondition(server.machine.sessionCount == count)
    withExtendedLifetime(peers) {}
    return Double(after - before) / Double(2 * (count - 1))
}

/// Resident memory per idle uTP connection: `count` connected pairs that each exchanged 100 bytes.
func utpConnectionMemory(count: Int) -> Double {
    var initiators: [UTPConnection] = []
    var listeners: [UTPConnection] = []
    initiators.reserveCapacity(count)
    listeners.reserveCapacity(count)
    var datagram: [UInt8] = []
    datagram.reserveCapacity(2048)
    let message = [UInt8](repeating: 0x61, count: 100)
    var readBuffer: [UInt8] = []
    let now = UTPInstant(nanoseconds: 1_000_000_000)
    let before = residentBytes()
    for index in 0..<count {
        let id = UInt16(truncatingIfNeeded: index * 2)
        var initiator = UTPConnection(initiatorReceiveID: id, sendID: id &+ 1, initialSequenceNumber: 1, now: now)
        guard initiator.pollTransmit(now: now, into: &datagram), let syn = try? UTPPacket(decoding: datagram) else {
            fail("no SYN")
        }
        var listener = UTPConnection(
            acceptingSYN: syn,
            receiveID: syn.connectionID &+ 1,
            sendID: syn.connectionID,
            initialSequenceNumber: 1000,
            now: now
        )
        // Ping-pong until both sides are quiet: SYN-ACK, the message, its ACK.
        _ = message.withUnsafeBytes { initiator.write($0) }
        var quiet = false
        while !quiet {
            quiet = true
            while listener.pollTransmit(now: now, into: &datagram) {
                quiet = false
                if let packet = try? UTPPacket(decoding: datagram) { initiator.handle(packet, now: now) }
            }
            while initiator.pollTransmit(now: now, into: &datagram) {
                quiet = false
                if let packet = try? UTPPacket(decoding: datagram) { listener.handle(packet, now: now) }
            }
            listener.flushAcks()
            initiator.flushAcks()
        }
        readBuffer.removeAll(keepingCapacity: true)
        guard listener.read(into: &readBuffer) == message.count else { fail("message not delivered") }
        while initiator.pollEvent() != nil {}
        while listener.pollEvent() != nil {}
        initiators.append(initiator)
        listeners.append(listener)
    }
    let after = residentBytes()
    withExtendedLifetime((initiators, listeners)) {}
    if CommandLine.arguments.contains("--verbose") {
        print("UTPConnection inline size \(MemoryLayout<UTPConnection>.stride) B; resident \(before) -> \(after)")
    }
    return Double(after - before) / Double(2 * count)
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "loss-sweep":
    guard let megabytes = Int(arguments.dropFirst().first ?? "8"), megabytes > 0 else {
        fail("MB must be a positive integer")
    }
    lossSweep(megabytes: megabytes)
case "trace":
    guard let path = arguments.dropFirst().first else { fail("trace needs FILE.csv") }
    guard let loss = Double(arguments.dropFirst(2).first ?? "1"), (0..<100).contains(loss) else {
        fail("LOSS% must be a number from 0 to 100")
    }
    trace(path: path, lossPercent: loss)
case "handshakes":
    guard let count = Int(arguments.dropFirst().first ?? "3000"), count > 0 else {
        fail("N must be a positive integer")
    }
    handshakes(count: count)
case "memory-sessions":
    guard let count = Int(arguments.dropFirst().first ?? "2000"), count > 1 else {
        fail("N must be an integer above 1")
    }
    print(#"{"name":"memory-sessions","count":\#(count),"bytes_per_session":\#(sessionMemory(count: count))}"#)
case "memory-utp":
    guard let count = Int(arguments.dropFirst().first ?? "2000"), count > 1 else {
        fail("N must be an integer above 1")
    }
    print(#"{"name":"memory-utp","count":\#(count),"bytes_per_connection":\#(utpConnectionMemory(count: count))}"#)
default:
    fail(
        "usage: bench-tool loss-sweep [MB] | trace FILE.csv [LOSS%] | handshakes [N] | memory-sessions [N] | memory-utp [N]"
    )
}
