// SPDX-License-Identifier: Apache-2.0

import Discv5Core
import ENR

extension TestNetwork {
    /// A fresh network holding two machines: `a`'s (random seed 1) and `b`'s (random seed 2), at their
    /// endpoints.
    ///
    /// - Parameters:
    ///   - established: When `true`, A has pinged B and the network has run: a session both ways, the PONG
    ///     at A. Otherwise nothing has been sent yet.
    static func pair(
        _ a: TestNode,
        _ b: TestNode,
        established: Bool = false,
        configurationA: Discv5Configuration = Discv5Configuration(),
        configurationB: Discv5Configuration = Discv5Configuration(),
        findNodeResponderB: @escaping ([UInt16]) -> [ENR] = { _ in [] },
        recordLookupB: @escaping (NodeID) -> ENR? = { _ in nil }
    ) -> (TestNetwork, Discv5Protocol, Discv5Protocol) {
        let network = TestNetwork()
        let machineA = a.machine(configuration: configurationA, seed: 1)
        let machineB = b.machine(
            configuration: configurationB,
            seed: 2,
            findNodeResponder: findNodeResponderB,
            recordLookup: recordLookupB
        )
        network.add(machineA, at: a.endpoint)
        network.add(machineB, at: b.endpoint)
        if established {
            machineA.sendRequest(.ping, to: b.contact, mode: .expectResponse, now: network.now)
            network.run()
        }
        return (network, machineA, machineB)
    }
}
