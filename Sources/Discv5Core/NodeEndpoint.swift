// SPDX-License-Identifier: Apache-2.0

import ENR

/// A UDP endpoint: the IP address and port a node is reached at.
///
/// The routing table stores the endpoint it actually talks to next to each record: for a
/// node that contacted us that is the packet's source, which may differ from what the node's
/// record claims (NAT).
public struct NodeEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// The IPv4 or IPv6 address.
    public var ip: IPAddress
    /// The UDP port.
    public var port: UInt16

    /// Creates an endpoint.
    /// - Parameters:
    ///   - ip: the IPv4 or IPv6 address.
    ///   - port: the UDP port.
    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// The UDP endpoint a record advertises.
    /// - Parameters:
    ///   - record: the node's record.
    ///   - preferIPv6: take `ip6`/`udp6` first when the record has both families.
    /// - Returns: `nil` when the record advertises no UDP endpoint at all.
    public init?(record: ENR, preferIPv6: Bool = false) {
        let v4 = record.udpEndpoint
        let v6 = record.udp6Endpoint
        guard let chosen = preferIPv6 ? (v6 ?? v4) : (v4 ?? v6) else { return nil }
        self.init(ip: chosen.ip, port: chosen.port)
    }

    /// `ip:port` for IPv4, `[ip]:port` for IPv6.
    public var description: String {
        ip.isIPv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
    }
}
