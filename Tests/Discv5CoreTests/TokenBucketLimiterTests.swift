// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import Testing

@Suite struct TokenBucketLimiterTests {
    private let start = Discv5Instant(nanoseconds: 7_000_000_000)
    private let config = TokenBucketLimiter<Int>.Configuration(
        burst: 5,
        refillInterval: .milliseconds(100),
        maximumTrackedKeys: 100
    )

    @Test func acceptsTheFullBurst() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        for _ in 0..<5 { #expect(limiter.allow(1, now: start) == true) }
    }

    @Test func rejectsBurstPlusOne() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        for _ in 0..<5 { _ = limiter.allow(1, now: start) }
        #expect(limiter.allow(1, now: start) == false)
        #expect(limiter.allow(1, now: start.advanced(byMilliseconds: 99)) == false)
        #expect(limiter.allow(1, now: start.advanced(byMilliseconds: 100)) == true)
        #expect(limiter.allow(1, now: start.advanced(byMilliseconds: 100)) == false)
    }

    @Test func refillsToTheBurstAndNoFurther() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        for _ in 0..<5 { _ = limiter.allow(1, now: start) }
        let later = start.advanced(bySeconds: 60)
        var allowed = 0
        for _ in 0..<20 where limiter.allow(1, now: later) { allowed += 1 }
        #expect(allowed == 5)
    }

    @Test func sustainedRateIsTheRefillRate() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        var allowed = 0
        // One attempt per millisecond for ten seconds: the burst plus one per 100 ms.
        for millisecond in 0..<10_000 where limiter.allow(1, now: start.advanced(byMilliseconds: Int64(millisecond))) {
            allowed += 1
        }
        #expect(allowed == 5 + 99)
    }

    @Test func keysAreIndependent() {
        var limiter = TokenBucketLimiter<IPAddress>(configuration: .whoAreYouPerIP)
        let first = IPAddress("203.0.113.1")!
        let second = IPAddress("203.0.113.2")!
        for _ in 0..<20 { #expect(limiter.allow(first, now: start) == true) }
        #expect(limiter.allow(first, now: start) == false)
        #expect(limiter.allow(second, now: start) == true)
    }

    @Test func trackedKeysStayBounded() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        for key in 0..<10_000 { _ = limiter.allow(key, now: start) }
        #expect(limiter.trackedKeyCount == 100)
        #expect(!limiter.isTracking(0))
        #expect(limiter.isTracking(9_999))
        #expect(limiter.isTracking(9_900))
        #expect(!limiter.isTracking(9_899))
    }

    @Test func evictsTheLeastRecentlyUsedKey() {
        var limiter = TokenBucketLimiter<Int>(configuration: config)
        for key in 0..<100 { _ = limiter.allow(key, now: start) }
        // Key 0 is used again, so key 1 is now the oldest.
        for _ in 0..<1000 { _ = limiter.allow(0, now: start) }
        _ = limiter.allow(100, now: start)
        #expect(limiter.isTracking(0))
        #expect(!limiter.isTracking(1))
        #expect(limiter.trackedKeyCount == 100)
        // Key 0 kept its empty bucket.
        #expect(limiter.allow(0, now: start) == false)
    }

    @Test func zeroBurstAllowsNothing() {
        var limiter = TokenBucketLimiter<Int>(
            configuration: .init(burst: 0, refillInterval: .seconds(1), maximumTrackedKeys: 10)
        )
        #expect(limiter.allow(1, now: start) == false)
    }
}
