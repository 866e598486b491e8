// SPDX-License-Identifier: Apache-2.0

import NIOCore

extension UDPEndpoint {
    /// Converts NIO's address without allocating. IPv4-mapped IPv6 addresses become IPv4 endpoints;
    /// Unix-domain addresses give `nil`.
    ///
    /// The `sockaddr` is read by byte offset (port at 2; IPv4 address at 4; IPv6 address at 8, the same on
    /// Linux and BSD): naming its C fields would need an import of NIO's internal C module.
    init?(_ address: SocketAddress) {
        let isIPv6: Bool
        switch address {
        case .v4: isIPv6 = false
        case .v6: isIPv6 = true
        case .unixDomainSocket: return nil
        }
        let decoded: UDPEndpoint = address.withSockAddr { pointer, _ in
            let raw = UnsafeRawPointer(pointer)
            let port = UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
            guard isIPv6 else {
                return UDPEndpoint(
                    ipv4: UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                    port: port
                )
            }
            let high = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            let low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
            if high == 0, low >> 32 == 0xFFFF {
                return UDPEndpoint(ipv4: UInt32(truncatingIfNeeded: low), port: port)
            }
            return UDPEndpoint(ipv6High: high, ipv6Low: low, port: port)
        }
        self = decoded
    }

    /// NIO's form of this endpoint (for the slow send path only: it allocates).
    func socketAddress(mappedToIPv6: Bool) throws -> SocketAddress {
        var packed = ByteBuffer()
        if self.isIPv4 && !mappedToIPv6 {
            packed.writeInteger(UInt32(truncatingIfNeeded: self.low))
        } else if self.isIPv4 {
            packed.writeInteger(UInt64(0))
            packed.writeInteger(0x0000_FFFF_0000_0000 | self.low)
        } else {
            packed.writeInteger(self.high)
            packed.writeInteger(self.low)
        }
        return try SocketAddress(packedIPAddress: packed, port: Int(self.port))
    }
}
