// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR
import Testing

@Suite struct EndpointVotingTests {
    private let start = Discv5Instant(nanoseconds: 5_000_000_000)
    private let a = NodeEndpoint(ip: IPAddress("203.0.113.7")!, port: 30303)
    private let b = NodeEndpoint(ip: IPAddress("198.51.100.9")!, port: 30303)
    private let v6 = NodeEndpoint(ip: IPAddress("2001:db8::7")!, port: 30303)

    private func voter(_ index: Int) -> NodeID {
        NodeID(words: (UInt64(index), 0, 0, 1))
    }

    @Test func rejectsNinthAgreeingVoteAsTooFew() {
        var voting = EndpointVoting()
        for index in 0..<9 {
            #expect(voting.recordVote(from: voter(index), endpoint: a, now: start) == nil)
        }
        #expect(voting.electedEndpoint(ipv4: true, now: start) == nil)
    }

    @Test func acceptsTenthAgreeingVote() {
        var voting = EndpointVoting()
        for index in 0..<9 { _ = voting.recordVote(from: voter(index), endpoint: a, now: start) }
        #expect(voting.recordVote(from: voter(9), endpoint: a, now: start) == a)
        #expect(voting.currentIPv4 == a)
        // Agreement after the change is no news.
        #expect(voting.recordVote(from: voter(10), endpoint: a, now: start) == nil)
    }

    @Test func aVoterCountsOnce() {
        var voting = EndpointVoting()
        for _ in 0..<20 { _ = voting.recordVote(from: voter(1), endpoint: a, now: start) }
        #expect(voting.voterCount(ipv4: true) == 1)
        for index in 2..<10 { _ = voting.recordVote(from: voter(index), endpoint: a, now: start) }
        #expect(voting.currentIPv4 == nil)
        // The latest vote replaces the voter's earlier one.
        _ = voting.recordVote(from: voter(1), endpoint: b, now: start)
        #expect(voting.recordVote(from: voter(10), endpoint: a, now: start) == nil)
        #expect(voting.recordVote(from: voter(11), endpoint: a, now: start) == a)
    }

    @Test func rejectsTieAsNoClearMajority() {
        // `b` is our endpoint already; ten voters say `b`, ten say `a`: no change either way.
        var voting = EndpointVoting(currentIPv4: b)
        for index in 0..<10 { _ = voting.recordVote(from: voter(100 + index), endpoint: b, now: start) }
        for index in 0..<10 { #expect(voting.recordVote(from: voter(index), endpoint: a, now: start) == nil) }
        #expect(voting.electedEndpoint(ipv4: true, now: start) == nil)
        #expect(voting.currentIPv4 == b)
    }

    @Test func acceptsElevenToTenAsMajority() {
        var voting = EndpointVoting(currentIPv4: b)
        for index in 0..<10 { _ = voting.recordVote(from: voter(100 + index), endpoint: b, now: start) }
        for index in 0..<10 { #expect(voting.recordVote(from: voter(index), endpoint: a, now: start) == nil) }
        #expect(voting.recordVote(from: voter(10), endpoint: a, now: start) == a)
    }

    @Test func votesExpire() {
        var voting = EndpointVoting()
        for index in 0..<9 { _ = voting.recordVote(from: voter(index), endpoint: a, now: start) }
        let expired = start + EndpointVoting.defaultVoteLifetime + .nanoseconds(1)
        #expect(voting.recordVote(from: voter(9), endpoint: a, now: expired) == nil)
        #expect(voting.voterCount(ipv4: true) == 1)
        // Just inside the lifetime they still count.
        var fresh = EndpointVoting()
        for index in 0..<9 { _ = fresh.recordVote(from: voter(index), endpoint: a, now: start) }
        #expect(fresh.recordVote(from: voter(9), endpoint: a, now: start + EndpointVoting.defaultVoteLifetime) == a)
    }

    @Test func familiesVoteSeparately() {
        var voting = EndpointVoting()
        for index in 0..<9 { _ = voting.recordVote(from: voter(index), endpoint: a, now: start) }
        for index in 0..<9 { _ = voting.recordVote(from: voter(index), endpoint: v6, now: start) }
        #expect(voting.voterCount(ipv4: true) == 9)
        #expect(voting.voterCount(ipv4: false) == 9)
        #expect(voting.recordVote(from: voter(9), endpoint: v6, now: start) == v6)
        #expect(voting.currentIPv6 == v6)
        #expect(voting.currentIPv4 == nil)
    }

    @Test func explicitAddressNeverChanges() {
        var voting = EndpointVoting(configuration: .init(ipv4IsFixed: true), currentIPv4: b)
        for index in 0..<50 { #expect(voting.recordVote(from: voter(index), endpoint: a, now: start) == nil) }
        #expect(voting.currentIPv4 == b)
        #expect(voting.recordVote(from: voter(0), endpoint: v6, now: start) == nil)  // IPv6 still votes
        #expect(voting.voterCount(ipv4: false) == 1)
    }

    @Test func voterPoolIsBounded() {
        var voting = EndpointVoting(configuration: .init(maximumVotersPerFamily: 50))
        for index in 0..<500 {
            _ = voting.recordVote(
                from: voter(index),
                endpoint: index.isMultiple(of: 2) ? a : b,
                now: start.advanced(byMilliseconds: Int64(index))
            )
        }
        #expect(voting.voterCount(ipv4: true) == 50)
    }
}
