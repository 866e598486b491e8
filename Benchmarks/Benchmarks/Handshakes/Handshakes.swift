// SPDX-License-Identifier: Apache-2.0

import BenchSupport
import Benchmark
import Discv5Core

let benchmarks: @Sendable () -> Void = {
    // One iteration = one complete handshake, both sides computed on this one core (random packet,
    // WHOAREYOU, handshake packet with ECDH + id signature + record check, PONG), so the throughput
    // figure is handshakes per second per core with the initiator's and the recipient's work counted.
    Benchmark(
        "discv5 handshake (initiator+recipient, PING/PONG)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal, .cpuTotal],
            scalingFactor: .one,
            maxDuration: .seconds(3)
        )
    ) { benchmark in
        let initiator = BenchNode(index: 1)
        let recipient = BenchNode(index: 2)
        var now = Discv5Instant(nanoseconds: 1_000_000_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now = now.advanced(byMilliseconds: 1)
            precondition(handshake(from: initiator, to: recipient, now: now), "handshake failed")
            forgetSession(between: initiator, and: recipient)
        }
    }

    // PING/PONG under an established session: the per-message cost once the handshake is paid.
    Benchmark(
        "discv5 PING/PONG in a session",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(2)
        )
    ) { benchmark in
        let initiator = BenchNode(index: 3)
        let recipient = BenchNode(index: 4)
        var now = Discv5Instant(nanoseconds: 1_000_000_000)
        precondition(handshake(from: initiator, to: recipient, now: now), "handshake failed")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            now = now.advanced(byMilliseconds: 1)
            precondition(handshake(from: initiator, to: recipient, now: now), "ping failed")
        }
    }
}
