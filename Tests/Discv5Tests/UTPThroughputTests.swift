// SPDX-License-Identifier: Apache-2.0

import Discv5
import Foundation
import Testing
import UTP

/// Throughput of uTP over TALKREQ between two in-process nodes, run on demand:
/// `UTP_TALK_BENCH_MB=200 swift test -c release --filter UTPThroughputTests`.
@Suite("uTP over TALKREQ throughput (on demand)")
struct UTPThroughputTests {
    static let megabytes = ProcessInfo.processInfo.environment["UTP_TALK_BENCH_MB"].flatMap { Int($0) }

    @Test("bulk transfer, listener writes from an async source", .enabled(if: megabytes != nil))
    func bulkTransfer() async throws {
        let size = (Self.megabytes ?? 0) * 1_000_000
        try await withNodes(2) { nodes in
            let (a, b) = (nodes[0], nodes[1])
            try b.register(BlobProtocol())
            let started = ContinuousClock.now
            let answer = try await a.talk(
                protocol: BlobProtocol.id,
                payload: BlobProtocol.request(mode: 3, size: size, seed: 9),
                to: b.localRecord
            )
            let id = try #require(BlobProtocol.connectionID(answer))
            let stream = try await a.utp.connect(connectionID: id, to: b.localRecord)
            var received = 0
            while true {
                let chunk = try await stream.read(upTo: 1 << 20)
                if chunk.isEmpty { break }
                received += chunk.count
            }
            await stream.close()
            let elapsed = started.duration(to: .now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            #expect(received == size)
            let statistics = stream.statistics
            print(
                "uTP over TALKREQ: \(size / 1_000_000) MB in \(elapsed): \(Double(size) / seconds / 1e6) MB/s; \(statistics)"
            )
        }
    }
}
