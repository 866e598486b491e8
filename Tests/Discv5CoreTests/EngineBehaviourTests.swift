// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import Discv5Testing
import ENR
import Testing

/// The engine's own rules, each on a small simulated network with manual time.
@Suite("Discv5Engine behaviour")
struct EngineBehaviourTests {
    /// `count` nodes bootstrapped from node 0 (a bootnode), then run for `settle`.
    static func bootstrapped(
        count: Int,
        seed: UInt64,
        settle: Duration = .seconds(20),
        configuration: @escaping (Int) -> Discv5EngineConfiguration = { _ in Discv5EngineConfiguration() },
        advertised: (Int) -> NodeEndpoint? = { _ in nil }
    ) throws -> EngineSimulation {
        let sim = try EngineSimulation(
            count: count,
            seed: seed,
            engineConfiguration: { index in
                var chosen = configuration(index)
                if index == 0 { chosen.table.inboundAdmissionThreshold = 0 }
                return chosen
            },
            advertised: advertised
        )
        for i in 1..<count {
            sim.with(i) { engine, now in engine.addBootnodes([sim.nodes[0].record], now: now) }
        }
        sim.run(for: settle)
        return sim
    }

    @Test("a node that goes silent fails its liveness check, is evicted, and a replacement is promoted")
    func silentNodeIsEvictedAndReplacementPromoted() throws {
        // Buckets of 2 so node 1's far buckets are full and have replacements waiting.
        let sim = try Self.bootstrapped(count: 24, seed: 11, settle: .seconds(70)) { index in
            var configuration = Discv5EngineConfiguration()
            if index == 1 {
                configuration.table.bucketSize = 2
                configuration.table.livenessCheckInterval = .seconds(60)
            }
            return configuration
        }
        let table = sim.nodes[1].engine.routingTable
        let distance = try #require((1...256).first { !table.replacements(atDistance: $0).isEmpty })
        let victim = try #require(table.entries(atDistance: distance).first { $0.status == .live })
        let victimIndex = try #require(sim.nodes.firstIndex { $0.nodeID == victim.nodeID })
        sim.silent.insert(victimIndex)
        let eventsBefore = sim.events[1].count

        sim.run(for: .seconds(120))

        let after = sim.nodes[1].engine.routingTable
        #expect(!after.contains(victim.nodeID))
        #expect(after.entries(atDistance: distance).count == 2)
        let newEvents = Array(sim.events[1][eventsBefore...])
        let removal = try #require(newEvents.firstIndex(of: .nodeRemoved(victim.nodeID)))
        let promoted = newEvents[(removal + 1)...].compactMap { event -> ENR? in
            guard case .nodeAdded(let record) = event else { return nil }
            return record
        }
        let replacement = try #require(promoted.first)
        #expect(sim.nodes[1].nodeID.logDistance(to: replacement.nodeID) == distance)
        // The replacement was checked in turn and now serves.
        #expect(after.entry(for: replacement.nodeID)?.status == .live)
        #expect(sim.nodes[1].engine.engineMetrics.nodesEvicted >= 1)
    }

    @Test("ten peers reporting a new address bump our record's seq, and the new record is served")
    func endpointVotingUpdatesRecord() throws {
        // Node 1's record claims 10.9.9.9:9000; its packets come from 10.0.2.1:30303 (a NAT).
        let natted = NodeEndpoint(ip: IPAddress(bytes: [10, 9, 9, 9])!, port: 9000)
        let sim = try EngineSimulation(count: 12, seed: 21, advertised: { $0 == 1 ? natted : nil })
        let real = sim.nodes[1].endpoint
        #expect(sim.nodes[1].engine.localRecord.seq == 1)
        for peer in 2..<12 {
            sim.with(1) { engine, now in engine.ping(NodeContact(record: sim.nodes[peer].record)!, now: now) }
        }
        sim.run(for: .seconds(5))

        let record = sim.nodes[1].engine.localRecord
        #expect(record.seq == 2)
        #expect(NodeEndpoint(record: record) == real)
        #expect(sim.events[1].contains(.localRecordChanged(record)))
        // Another node asks node 1 for its own record (FINDNODE distance 0): the new one.
        let contact = NodeContact(record: sim.nodes[1].record, endpoint: real)
        let fetch = sim.with(2) { engine, now in engine.findNode(contact, distances: [0], now: now) }
        let result = sim.run(until: fetch, on: 2)
        #expect(result == .nodes([record]))
    }

    @Test("with a fixed address, ten votes for another endpoint change nothing")
    func fixedAddressIgnoresVotes() throws {
        let natted = NodeEndpoint(ip: IPAddress(bytes: [10, 9, 9, 9])!, port: 9000)
        let sim = try EngineSimulation(
            count: 12,
            seed: 22,
            engineConfiguration: { index in
                var configuration = Discv5EngineConfiguration()
                configuration.isIPv4EndpointFixed = index == 1
                return configuration
            },
            advertised: { $0 == 1 ? natted : nil }
        )
        for peer in 2..<12 {
            sim.with(1) { engine, now in engine.ping(NodeContact(record: sim.nodes[peer].record)!, now: now) }
        }
        sim.run(for: .seconds(5))
        #expect(sim.nodes[1].engine.localRecord.seq == 1)
        #expect(NodeEndpoint(record: sim.nodes[1].engine.localRecord) == natted)
        #expect(sim.nodes[1].engine.engineMetrics.localRecordUpdates == 0)
        // Every ping was answered: the votes were cast and ignored.
        #expect(sim.completions[1].values.allSatisfy { if case .pong = $0 { true } else { false } })
        #expect(sim.completions[1].count == 10)
    }

    @Test("a PONG announcing a higher enr-seq makes the engine fetch and store the new record")
    func pongWithHigherSeqFetchesRecord() throws {
        let sim = try EngineSimulation(count: 2, seed: 31)
        let old = sim.nodes[1].record
        try sim.with(1) { engine, now in try engine.updateLocalRecord(now: now) { $0.setTCPPort(30304) } }
        let updated = sim.nodes[1].engine.localRecord
        #expect(updated.seq == 2)
        #expect(sim.events[1].contains(.localRecordChanged(updated)))

        // Node 0 holds seq 1; the PONG says 2.
        let ping = sim.with(0) { engine, now in engine.ping(NodeContact(record: old)!, now: now) }
        #expect(sim.run(until: ping, on: 0) == .pong(enrSeq: 2, recipient: sim.nodes[0].endpoint))
        sim.run(for: .seconds(2))
        #expect(sim.nodes[0].engine.engineMetrics.recordFetches == 1)
        #expect(sim.nodes[0].engine.routingTable.entry(for: old.nodeID)?.record == updated)

        // Another PONG with the same seq fetches nothing more.
        let again = sim.with(0) { engine, now in engine.ping(NodeContact(record: updated)!, now: now) }
        sim.run(until: again, on: 0)
        sim.run(for: .seconds(2))
        #expect(sim.nodes[0].engine.engineMetrics.recordFetches == 1)
    }

    @Test("a node that only contacted us is not added before our table is stocked, and is once it is")
    func inboundNodesWaitForStockedTable() throws {
        let sim = try EngineSimulation(count: 3, seed: 41) { index in
            var configuration = Discv5EngineConfiguration()
            // Node 2 admits inbound nodes from the start, for contrast.
            if index == 2 { configuration.table.inboundAdmissionThreshold = 0 }
            return configuration
        }
        let toNode1 = sim.with(0) { engine, now in engine.ping(NodeContact(record: sim.nodes[1].record)!, now: now) }
        let toNode2 = sim.with(0) { engine, now in engine.ping(NodeContact(record: sim.nodes[2].record)!, now: now) }
        sim.run(for: .seconds(3))
        #expect(sim.completions[0][toNode1] != nil)
        #expect(sim.completions[0][toNode2] != nil)

        // Node 1 (default threshold 10, nothing discovered yet) turned the inbound node away.
        #expect(sim.nodes[1].engine.tableRecords(onlyLive: false).isEmpty)
        #expect(sim.nodes[1].engine.engineMetrics.inboundRejectedBeforeStocked == 1)
        #expect(sim.events[1].contains(.sessionEstablished(sim.nodes[0].nodeID, sim.nodes[0].endpoint)))
        // Node 2 (stocked from the start) took it and verified it.
        #expect(sim.nodes[2].engine.tableRecords(onlyLive: true).map(\.nodeID) == [sim.nodes[0].nodeID])
        // Node 0 sent the requests itself: no-one joined its table through them (ping is not discovery).
        #expect(sim.nodes[0].engine.tableRecords(onlyLive: false).isEmpty)
    }

    @Test("TALKREQ through the engine is delivered, answered and completed")
    func talkRoundTrip() throws {
        let sim = try EngineSimulation(count: 2, seed: 51)
        let contact = NodeContact(record: sim.nodes[1].record)!
        let talk = sim.with(0) { engine, now in
            engine.talk(contact, protocol: Array("echo".utf8), payload: [1, 2, 3], now: now)
        }
        #expect(sim.run(until: talk, on: 0) == .talk([3, 2, 1]))
        #expect(sim.talkRequests[1].map(\.protocolID) == [Array("echo".utf8)])
        #expect(sim.talkRequests[1].first?.nodeID == sim.nodes[0].nodeID)
    }

    @Test("no-response TALKREQ (uTP mode) is delivered, completes nothing, and never touches the table")
    func talkWithoutResponse() throws {
        // Jitter-free links: datagrams arrive in the order sent (see the report on reordering
        // right after a handshake, a protocol-machine matter).
        let sim = try EngineSimulation(count: 2, seed: 52, network: .init(baseDelay: 10_000_000)) { _ in .bootnode }
        let contact = NodeContact(record: sim.nodes[1].record)!
        for packet in 0..<3 {
            sim.with(0) { engine, now in
                engine.sendTalkWithoutResponse(contact, protocol: Array("utp".utf8), payload: [UInt8(packet)], now: now)
            }
        }
        sim.run(for: .seconds(5))
        #expect(sim.talkRequests[1].map(\.payload) == [[0], [1], [2]])
        #expect(sim.completions[0].isEmpty)
        // The sender never adds the peer it sent to in no-response mode, even with an open table.
        #expect(sim.nodes[0].engine.tableRecords(onlyLive: false).isEmpty)
        #expect(sim.nodes[0].engine.engineMetrics.livenessChecks == 0)
    }

    @Test("a PING to a silent node completes with a timeout failure")
    func pingToSilentNodeFails() throws {
        let sim = try EngineSimulation(count: 2, seed: 61)
        sim.silent.insert(1)
        let ping = sim.with(0) { engine, now in engine.ping(NodeContact(record: sim.nodes[1].record)!, now: now) }
        let result = sim.run(until: ping, on: 0)
        #expect(result == .failed(Discv5CoreError(.timeout)))
        #expect(sim.stuckDeadlines == 0)
    }
}
