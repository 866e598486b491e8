// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Testing

@Suite struct Discv5InstantTests {
    @Test func advancesByDurations() {
        let start = Discv5Instant(nanoseconds: 1_000)
        #expect(start.advanced(byMilliseconds: 2).nanoseconds == 2_001_000)
        #expect(start.advanced(bySeconds: 1).nanoseconds == 1_000_001_000)
        #expect((start + .microseconds(1)).nanoseconds == 2_000)
        #expect((start - .nanoseconds(400)).nanoseconds == 600)
        #expect(start.advanced(by: .milliseconds(-1)) == .zero)
        #expect(start < start.advanced(by: .nanoseconds(1)))
    }

    @Test func saturatesAtTheBounds() {
        let near = Discv5Instant(nanoseconds: .max - 5)
        #expect(near.advanced(by: .seconds(1)).nanoseconds == .max)
        #expect(near.advanced(by: .seconds(Int64.max)).nanoseconds == .max)
        #expect(Discv5Instant.zero.advanced(by: .seconds(Int64.min)) == .zero)
    }

    @Test func measuresSignedDurations() {
        let a = Discv5Instant(nanoseconds: 1_500_000_000)
        let b = Discv5Instant(nanoseconds: 4_000_000_001)
        #expect(a.duration(to: b) == .nanoseconds(2_500_000_001))
        #expect(b.duration(to: a) == .nanoseconds(-2_500_000_001))
    }
}
