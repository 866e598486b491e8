// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A UDP peer address: an IPv4 or IPv6 address and a port, without any SwiftNIO type.
///
/// The address is stored inline (two 64-bit words and a family flag), so creating one for every received
/// datagram allocates nothing; ``ipBytes`` builds an array only when asked for.
/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) given as 16 bytes stays IPv6; the transport itself
/// reports datagrams that arrive on a dual-stack IPv6 socket from IPv4 peers as plain IPv4 endpoints.
///
/// Text forms: `1.2.3.4:5` and `[::1]:5` (RFC 5952 when printed).
public struct UDPEndpoint: Hashable, Sendable {
    /// Upper 64 bits of an IPv6 address in network order; 0 for IPv4.
    @usableFromInline let high: UInt64
    /// Lower 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits, network (big-endian) value.
    @usableFromInline let low: UInt64
    /// `true` for IPv4.
    public let isIPv4: Bool
    /// The UDP port.
    public let port: UInt16

    /// Creates an IPv4 endpoint from the address as a big-endian number (`1.2.3.4` is `0x0102_0304`).
    ///
    /// - Parameters:
    ///   - ipv4: The address, most significant byte first.
    ///   - port: The UDP port.
    @inlinable
    public init(ipv4: UInt32, port: UInt16) {
        self.high = 0
        self.low = UInt64(ipv4)
        self.isIPv4 = true
        self.port = port
    }

    /// Creates an IPv6 endpoint from the address as two big-endian 64-bit halves.
    ///
    /// - Parameters:
    ///   - ipv6High: The first 8 bytes of the address, most significant first.
    ///   - ipv6Low: The last 8 bytes of the address, most significant first.
    ///   - port: The UDP port.
    @inlinable
    public init(ipv6High: UInt64, ipv6Low: UInt64, port: UInt16) {
        self.high = ipv6High
        self.low = ipv6Low
        self.isIPv4 = false
        self.port = port
    }

    /// Creates an endpoint from 4 (IPv4) or 16 (IPv6) address bytes in network order.
    ///
    /// - Parameters:
    ///   - ipBytes: The address bytes; any other count gives `nil`.
    ///   - port: The UDP port.
    public init?(ipBytes: some Collection<UInt8>, port: UInt16) {
        switch ipBytes.count {
        case 4:
            var value: UInt32 = 0
            for byte in ipBytes { value = value << 8 | UInt32(byte) }
            self.init(ipv4: value, port: port)
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in ipBytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self.init(ipv6High: high, ipv6Low: low, port: port)
        default:
            return nil
        }
    }

    /// The address in network order: 4 bytes for IPv4, 16 for IPv6. Allocates an array.
    public var ipBytes: [UInt8] {
        if self.isIPv4 {
            return (0..<4).map { UInt8(truncatingIfNeeded: self.low >> (24 - 8 * UInt64($0))) }
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * UInt64($0))) }
    }

    /// The IPv4 address as a big-endian number, or `nil` for IPv6.
    public var ipv4Address: UInt32? {
        self.isIPv4 ? UInt32(truncatingIfNeeded: self.low) : nil
    }

    /// Whether the address is `0.0.0.0` or `::`, which no datagram can be sent to.
    public var isUnspecified: Bool {
        self.high == 0 && self.low == 0
    }

    /// The same address with another port.
    ///
    /// - Parameters:
    ///   - port: The new port.
    /// - Returns: The endpoint with `port` replaced.
    public func withPort(_ port: UInt16) -> UDPEndpoint {
        self.isIPv4
            ? UDPEndpoint(ipv4: UInt32(truncatingIfNeeded: self.low), port: port)
            : UDPEndpoint(ipv6High: self.high, ipv6Low: self.low, port: port)
    }
}

extension UDPEndpoint: LosslessStringConvertible {
    /// Parses `1.2.3.4:5` or `[::1]:5`. Returns `nil` for anything else (host names are not resolved).
    ///
    /// - Parameters:
    ///   - description: The text form.
    public init?(_ description: String) {
        let host: Substring
        let portText: Substring
        if description.hasPrefix("[") {
            guard let close = description.firstIndex(of: "]") else { return nil }
            host = description[description.index(after: description.startIndex)..<close]
            let rest = description[description.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = description.lastIndex(of: ":"), !description[..<colon].contains(":") else {
                return nil
            }
            host = description[..<colon]
            portText = description[description.index(after: colon)...]
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = UInt16(portText) else { return nil }
        guard let endpoint = UDPEndpoint.parseAddress(String(host), isIPv6: description.hasPrefix("["), port: port)
        else { return nil }
        self = endpoint
    }

    /// Parses a numeric address with `inet_pton` (into plain bytes, so no C address type is named).
    private static func parseAddress(_ host: String, isIPv6: Bool, port: UInt16) -> UDPEndpoint? {
        var raw: (UInt64, UInt64) = (0, 0)
        let parsed = withUnsafeMutableBytes(of: &raw) { inet_pton(isIPv6 ? AF_INET6 : AF_INET, host, $0.baseAddress) }
        guard parsed == 1 else { return nil }
        return withUnsafeBytes(of: &raw) { UDPEndpoint(ipBytes: $0.prefix(isIPv6 ? 16 : 4), port: port) }
    }

    /// `1.2.3.4:5` or `[::1]:5`.
    public var description: String {
        if self.isIPv4 {
            let value = UInt32(truncatingIfNeeded: self.low)
            return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF):\(self.port)"
        }
        var raw: (UInt64, UInt64) = (self.high.bigEndian, self.low.bigEndian)
        var text = [CChar](repeating: 0, count: 64)
        let printed = text.withUnsafeMutableBufferPointer { buffer in
            withUnsafeBytes(of: &raw) {
                inet_ntop(AF_INET6, $0.baseAddress, buffer.baseAddress, socklen_t(buffer.count))
            }
                != nil
        }
        let host =
            printed ? String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
        return "[\(host)]:\(self.port)"
    }
}
