// SPDX-License-Identifier: Apache-2.0

/// A request this node sends (discv5-wire.md, "Protocol Messages"). The machine fills in the
/// `request-id` and, for PING, our record's `enr-seq`.
public enum OutgoingRequest: Hashable, Sendable {
    /// PING: liveness check; answered with PONG.
    case ping
    /// FINDNODE for the given log2 distances (0...256); answered with NODES.
    case findNode(distances: [UInt16])
    /// TALKREQ for a sub-protocol; answered with TALKRESP.
    case talk(protocol: [UInt8], payload: [UInt8])
}
