// SPDX-License-Identifier: Apache-2.0

import ENR

/// The subnet an address counts against for the routing table's IP limits: the address with
/// everything past the configured prefix zeroed.
struct IPSubnet: Hashable, Sendable {
    /// The masked address bytes (4 or 16).
    let prefix: [UInt8]

    /// The subnet of `address`, or `nil` when the address is exempt from the limits.
    /// - Parameters:
    ///   - address: the node's address.
    ///   - configuration: the table's limits.
    init?(address: IPAddress, configuration: RoutingTableConfiguration) {
        guard configuration.enforcesIPLimits else { return nil }
        if configuration.exemptsLocalAddresses && Self.isLocal(address) { return nil }
        let length = address.isIPv4 ? configuration.ipv4SubnetPrefixLength : configuration.ipv6SubnetPrefixLength
        var bytes = address.bytes
        for index in bytes.indices {
            let bitsKept = min(max(length - index * 8, 0), 8)
            let mask: UInt8 = bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsKept))
            bytes[index] &= mask
        }
        self.prefix = bytes
    }

    /// Loopback, private (RFC 1918 / RFC 4193) and link-local addresses.
    static func isLocal(_ address: IPAddress) -> Bool {
        let b = address.bytes
        if address.isIPv4 {
            return b[0] == 127 || b[0] == 10 || (b[0] == 172 && b[1] & 0xF0 == 16) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
        }
        let isLoopback = b.dropLast().allSatisfy { $0 == 0 } && b[15] == 1
        let isUniqueLocal = b[0] & 0xFE == 0xFC
        let isLinkLocal = b[0] == 0xFE && b[1] & 0xC0 == 0x80
        return isLoopback || isUniqueLocal || isLinkLocal
    }
}
