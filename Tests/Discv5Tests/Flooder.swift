// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import Synchronization

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

/// Sends junk at a node from a plain UDP socket as fast as the node takes it: random
/// datagrams of 0–1500 bytes, and every fourth one a mutated but valid-looking discv5 packet
/// (the real protocol id and version, masked with the target's id, random flag, nonce and
/// authdata, then a few bytes flipped).
///
/// At most `window` datagrams are ahead of what the node has read. Without that bound a debug
/// build falls behind, the kernel's receive queue overflows and drops datagrams, legitimate
/// ones included, which tests the kernel rather than the node; with it the node runs flat out
/// and every junk datagram reaches it, so the drop counters can be checked exactly.
final class Flooder: Sendable {
    /// Datagrams handed to the kernel so far.
    let sent = Atomic<Int>(0)
    /// Set once the flood is over.
    let finished = Atomic<Bool>(false)

    /// Sends `count` datagrams to `127.0.0.1:port`. Blocks the calling thread. Gives up when
    /// the node reads nothing for 5 s (then ``sent`` stays below `count`).
    ///
    /// - Parameters:
    ///   - delivered: How many datagrams the node has read so far.
    ///   - window: The most datagrams in flight.
    func run(
        count: Int,
        port: UInt16,
        target: NodeID,
        seed: UInt64,
        window: Int,
        delivered: () -> Int
    ) {
        defer { finished.store(true, ordering: .releasing) }
        var random = SplitMix64(seed: seed)
        let pool = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let templates = (0..<256).map { _ in Self.validLookingPacket(target: target, random: &random) }
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var scratch = [UInt8](repeating: 0, count: 1500)
        let baseline = delivered()
        for index in 0..<count {
            if index - (delivered() - baseline) >= window {
                let giveUp = ContinuousClock.now.advanced(by: .seconds(5))
                while index - (delivered() - baseline) >= window {
                    guard ContinuousClock.now < giveUp else { return }
                    usleep(50)
                }
            }
            let length: Int
            if index % 4 == 0 {
                let template = templates[Int(random.next() % UInt64(templates.count))]
                length = template.count
                scratch.replaceSubrange(0..<length, with: template)
                for _ in 0..<(1 + random.next() % 3) {
                    scratch[Int(random.next() % UInt64(length))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
                }
            } else {
                length = Int(random.next() % 1501)
                let start = Int(random.next() % UInt64(pool.count - length))
                scratch.replaceSubrange(0..<length, with: pool[start..<start + length])
            }
            let result = scratch.withUnsafeBytes { bytes in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor, bytes.baseAddress, length, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
            if result >= 0 { sent.add(1, ordering: .relaxed) }
        }
    }

    /// A discv5 packet with a correctly masked header and random contents.
    private static func validLookingPacket(target: NodeID, random: inout SplitMix64) -> [UInt8] {
        let flag = UInt8(random.next() % 3)
        let authSize: Int
        switch flag {
        case 0: authSize = 32
        case 1: authSize = 24
        default: authSize = 34 + 64 + 33 + Int(random.next() % 200)
        }
        let bodySize = flag == 1 ? 0 : 16 + Int(random.next() % 600)
        let iv = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        var header = Array("discv5".utf8) + [0x00, 0x01, flag]
        header += (0..<12).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        header += [UInt8(authSize >> 8), UInt8(authSize & 0xFF)]
        header += (0..<authSize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        if flag == 2 {
            header[23 + 32] = 64  // signature size
            header[23 + 33] = 33  // ephemeral key size
        }
        let masked = (try? AES128CTR(key: target.bytes.prefix(16)).apply(header, iv: iv)) ?? header
        let body = (0..<bodySize).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return Array((iv + masked + body).prefix(1280))
    }
}

/// The process's resident set size in bytes, from /proc/self/statm.
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 256)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return 0 }
    let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
