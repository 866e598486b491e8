// SPDX-License-Identifier: Apache-2.0

import ENR

/// The engine's routing table behind a reference, so the FINDNODE responder and record lookup
/// given to ``Discv5Protocol`` at init read the same table the engine changes.
final class RoutingTableBox {
    var table: RoutingTable

    init(_ table: RoutingTable) {
        self.table = table
    }

    /// FINDNODE answer: up to `k` live records for each asked distance (not `k` in total), so a
    /// lookup's `[d, d+1, d−1]` question gets whole buckets.
    func serve(_ distances: [UInt16]) -> [ENR] {
        var records: [ENR] = []
        for distance in FindNodeDistances.sanitized(distances) where distance > 0 {
            records += table.nodes(atDistances: [distance], limit: table.configuration.bucketSize)
        }
        return records
    }
}
