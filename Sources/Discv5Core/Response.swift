// SPDX-License-Identifier: Apache-2.0

import ENR

/// The answer to a request sent in ``ResponseMode/expectResponse`` mode.
public enum Response: Hashable, Sendable {
    /// PONG: the responder's record `seq` and the endpoint it saw our packet come from.
    case pong(enrSeq: UInt64, recipient: NodeEndpoint)
    /// NODES: every record from all NODES packets of the answer that was at one of the asked
    /// distances, signature verified (ENR decoding verifies it).
    case nodes([ENR])
    /// TALKRESP: the sub-protocol's answer bytes (empty for an unknown protocol).
    case talk([UInt8])
}
