// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Core
import Discv5Crypto
import ENR
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Lookups over real UDP on 127.0.0.1")
struct NodeLookupTests {
    @Test func lookupThroughABootnodeFindsTheOthers() async throws {
        try await withNodes(1) { bootnodes in
            let bootnode = bootnodes[0]
            var others: [Node] = []
            for _ in 0..<4 {
                others.append(
                    try await Node.start(
                        configuration: testConfiguration(),
                        privateKey: Secp256k1.PrivateKey(),
                        bootnodes: [bootnode.localRecord]
                    )
                )
            }
            // Each joiner pinged the bootnode (liveness of bootnodes starts at once); the bootnode
            // admits them as they contact it and serves them once its own liveness check passed.
            let stocked = await eventually { await bootnode.tableRecords().count == others.count }
            #expect(stocked, "the bootnode's table never held the \(others.count) joiners as live")

            // A lookup for each other node's id must reach it: the bootnode serves the buckets
            // around the target, where that node lives, and the node then answers itself.
            let searcher = others[0]
            for wanted in [bootnode] + others.dropFirst() {
                let found = try await searcher.lookup(target: wanted.nodeID)
                #expect(found.first?.nodeID == wanted.nodeID, "lookup for \(wanted.nodeID) found \(found.count) nodes")
                #expect(!found.contains { $0.nodeID == searcher.nodeID })
            }
            for node in others { await node.shutdown() }
        }
    }

    @Test func aNodeStartedWithoutBootnodesAdmitsTheNodesThatJoinIt() async throws {
        // The default threshold (no `inboundFromStart`): nodes that contact a node first are
        // admitted only once its own queries found enough live nodes, which a node that knows no
        // one never does. Started with nothing to bootstrap from, it must act as a bootnode.
        let bootnode = try await Node.start(
            configuration: testConfiguration(inboundFromStart: false),
            privateKey: Secp256k1.PrivateKey()
        )
        let joiner = try await Node.start(
            configuration: testConfiguration(inboundFromStart: false),
            privateKey: Secp256k1.PrivateKey(),
            bootnodes: [bootnode.localRecord]
        )
        let admitted = await eventually {
            await bootnode.tableRecords().contains { $0.nodeID == joiner.nodeID }
        }
        #expect(admitted, "the bootnode never admitted the node that joined it")
        // The joiner had a bootnode, so it keeps the anti-eclipse threshold: the one node it
        // found is below it, and a node contacting it first is not admitted.
        let stranger = try await Node.start(
            configuration: testConfiguration(inboundFromStart: false),
            privateKey: Secp256k1.PrivateKey(),
            bootnodes: [bootnode.localRecord]
        )
        _ = try await stranger.ping(joiner.localRecord)
        #expect(await !joiner.tableRecords(onlyLive: false).contains { $0.nodeID == stranger.nodeID })
        for node in [stranger, joiner, bootnode] { await node.shutdown() }
    }

    @Test func aNodeThatAdvertisesNoEndpointIsAnsweredButNeverAdmitted() async throws {
        try await withNodes(1) { servers in
            let server = servers[0]
            var quiet = testConfiguration()
            quiet.advertisesEndpoint = false
            let client = try await Node.start(configuration: quiet, privateKey: Secp256k1.PrivateKey())
            let advertising = try await Node.start(
                configuration: testConfiguration(),
                privateKey: Secp256k1.PrivateKey()
            )
            #expect(client.localRecord.udpEndpoint == nil && client.localRecord.udp6Endpoint == nil)
            // Both are answered; the server takes a node that contacted it into its table as soon
            // as the handshake completes, so by the time PONG arrives the decision is made.
            _ = try await client.ping(server.localRecord)
            _ = try await advertising.ping(server.localRecord)
            let table = await server.tableRecords(onlyLive: false).map(\.nodeID)
            #expect(table.contains(advertising.nodeID))
            #expect(!table.contains(client.nodeID))
            for node in [client, advertising] { await node.shutdown() }
        }
    }

    @Test func nodeDataDirectoryKeepsSeqAndTableAcrossRestarts() async throws {
        let path = "/tmp/discv5-node-\(UInt64.random(in: 0...UInt64.max))"
        let directory = NodeDataDirectory(path: path)
        let key = try directory.loadOrCreateKey()
        #expect(try directory.loadOrCreateKey() == key)
        try await withNodes(1) { peers in
            var configuration = testConfiguration()
            configuration.dataDirectory = directory
            let first = try await Node.start(configuration: configuration, privateKey: key)
            _ = try await first.ping(peers[0].localRecord)
            _ = try await peers[0].ping(first.localRecord)
            let firstSeq = first.localRecord.seq
            await first.shutdown()
            #expect(directory.storedSeq() == firstSeq)

            let second = try await Node.start(configuration: configuration, privateKey: key)
            #expect(second.nodeID == first.nodeID)
            #expect(second.localRecord.seq > firstSeq)
            await second.shutdown()
        }
        // Atomic replace: the stored set is exactly the last one written.
        let record = try ENRBuilder(seq: 3).sign(with: Secp256k1.PrivateKey())
        try directory.storeNodes([record])
        #expect(directory.storedNodes() == [record])
        try directory.storeNodes([])
        #expect(directory.storedNodes() == [])
    }

    @Test func liveTableIsSavedPeriodicallyAndLoadedAsBootnodes() async throws {
        let directory = NodeDataDirectory(path: "/tmp/discv5-persist-\(UInt64.random(in: 0...UInt64.max))")
        var configuration = testConfiguration()
        configuration.dataDirectory = directory
        configuration.persistInterval = .milliseconds(100)
        let key = try directory.loadOrCreateKey()
        try await withNodes(1) { peers in
            let node = try await Node.start(configuration: configuration, privateKey: key)
            // The peer contacts the node; the node admits it and checks its liveness.
            _ = try await peers[0].ping(node.localRecord)
            let saved = await eventually { directory.storedNodes().contains(peers[0].localRecord) }
            #expect(saved, "the live table never reached nodes.json")
            await node.shutdown()

            // A restarted node bootstraps from the saved table: it pings the peer on its own.
            let sessionsBefore = await peers[0].metricsSnapshot().protocolMetrics.sessionsEstablished
            let restarted = try await Node.start(configuration: configuration, privateKey: key)
            let contacted = await eventually {
                await peers[0].metricsSnapshot().protocolMetrics.sessionsEstablished > sessionsBefore
            }
            #expect(contacted, "the restarted node never contacted the saved peer")
            await restarted.shutdown()
        }
    }

    @Test func groupReadableKeyFileIsRefused() throws {
        let path = "/tmp/discv5-key-\(UInt64.random(in: 0...UInt64.max))"
        let directory = NodeDataDirectory(path: path)
        _ = try directory.loadOrCreateKey()
        #expect(chmod(directory.keyFilePath, 0o640) == 0)
        #expect(throws: Discv5Error(.insecureKeyFile, "")) { try directory.loadOrCreateKey() }
    }
}
