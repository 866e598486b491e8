// SPDX-License-Identifier: Apache-2.0

import ENR

/// A UDP endpoint: an IPv4 or IPv6 address and a port.
///
/// Sessions, challenges and rate limits are keyed by it: the spec ties "session secrets and
/// the handshake ... to a specific UDP endpoint".
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address (4 or 16 bytes).
    public var ip: IPAddress
    /// The UDP port.
    public var port: UInt16

    /// Creates an endpoint.
    ///
    /// - Parameters:
    ///   - ip: The IPv4 or IPv6 address.
    ///   - port: The UDP port.
    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// `a.b.c.d:port` or `[v6]:port`.
    public var description: String {
        ip.isIPv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
