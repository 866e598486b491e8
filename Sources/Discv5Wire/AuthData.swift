// SPDX-License-Identifier: Apache-2.0

import ENR

/// The flag-specific `authdata` section of a packet header.
public enum AuthData: Sendable, Hashable {
    /// Ordinary message packet (`flag = 0`): "the `authdata` section is just the source node ID."
    case ordinary(sourceID: NodeID)
    /// WHOAREYOU packet (`flag = 1`).
    case whoAreYou(WhoAreYouAuthData)
    /// Handshake message packet (`flag = 2`).
    case handshake(HandshakeAuthData)

    /// The packet flag that goes with this authdata.
    public var flag: PacketFlag {
        switch self {
        case .ordinary: .ordinary
        case .whoAreYou: .whoAreYou
        case .handshake: .handshake
        }
    }

    /// The sender's node id, which WHOAREYOU does not carry.
    public var sourceID: NodeID? {
        switch self {
        case .ordinary(let sourceID): sourceID
        case .whoAreYou: nil
        case .handshake(let handshake): handshake.sourceID
        }
    }

    /// `authdata-size`: the encoded size of this section.
    public var encodedSize: Int {
        switch self {
        case .ordinary: PacketLimits.ordinaryAuthDataSize
        case .whoAreYou: PacketLimits.whoAreYouAuthDataSize
        case .handshake(let handshake): handshake.encodedSize
        }
    }

    func append(to buffer: inout [UInt8]) {
        switch self {
        case .ordinary(let sourceID): sourceID.append(to: &buffer)
        case .whoAreYou(let whoAreYou): whoAreYou.append(to: &buffer)
        case .handshake(let handshake): handshake.append(to: &buffer)
        }
    }
}
