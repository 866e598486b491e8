// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as it appears in a node record: 4 or 16 bytes in network order.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address bytes: 4 for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Creates an address from its network-order bytes.
    /// - Parameter bytes: 4 bytes (IPv4) or 16 bytes (IPv6).
    /// - Returns: `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard array.count == 4 || array.count == 16 else { return nil }
        self.bytes = array
    }

    /// Parses the usual text form (`127.0.0.1`, `::1`, `fe80::1`).
    /// - Parameter text: dotted-quad IPv4 or RFC 4291 IPv6 text.
    /// - Returns: `nil` when the text is neither.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { bytes.count == 4 }

    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { bytes.count == 16 }

    /// The usual text form.
    public var description: String {
        if isIPv4 {
            return bytes.map(String.init).joined(separator: ".")
        }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else {
            return bytes.map { String($0, radix: 16) }.joined(separator: ":")
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
