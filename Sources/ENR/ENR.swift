// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import RLP

/// An Ethereum Node Record (EIP-778) with the "v4" identity scheme.
///
/// A record is `[signature, seq, k, v, ...]` in RLP: keys sorted and unique, at most 300 bytes,
/// signed by the node's secp256k1 key over `keccak256(rlp([seq, k, v, ...]))`. A value of an
/// instance has always passed those checks: decoding verifies, building signs. Keys this
/// implementation does not know are kept exactly as received, so a record re-encodes to the
/// same bytes.
///
/// Two records are equal when their encodings are equal.
public struct ENR: Hashable, Sendable, CustomStringConvertible {
    /// EIP-778: "The maximum encoded size of a node record is 300 bytes."
    public static let maximumEncodedSize = 300

    /// The only identity scheme defined by EIP-778 and used by discv5.
    public static let v4IdentityScheme: [UInt8] = Array("v4".utf8)

    /// The size of a "v4" signature: `r || s`, no recovery id.
    public static let signatureSize = 64

    /// One key/value pair of a record.
    public struct Pair: Hashable, Sendable {
        /// The key's bytes (by convention ASCII text, such as `ip` or `udp`).
        public let key: [UInt8]
        /// The value as an RLP item (a byte string, or a list for structured values).
        public let value: RLPItem

        /// The key as text, for display.
        public var keyText: String { String(decoding: key, as: UTF8.self) }
    }

    /// The sequence number; a node increases it whenever it changes its record.
    public let seq: UInt64
    /// The 64-byte `r || s` signature.
    public let signature: [UInt8]
    /// The key/value pairs, in ascending key order.
    public let pairs: [Pair]
    /// The node's public key, from the `secp256k1` pair.
    public let publicKey: Secp256k1.PublicKey
    /// The node identifier derived from ``publicKey``.
    public let nodeID: NodeID
    /// The RLP encoding of the whole record, as signed.
    public let encoded: [UInt8]

    /// Assembles a record whose checks have already passed.
    init(
        seq: UInt64,
        signature: [UInt8],
        pairs: [Pair],
        publicKey: Secp256k1.PublicKey,
        encoded: [UInt8]
    ) {
        self.seq = seq
        self.signature = signature
        self.pairs = pairs
        self.publicKey = publicKey
        self.nodeID = NodeID(publicKey: publicKey)
        self.encoded = encoded
    }

    /// The text form: `enr:` followed by unpadded base64url of ``encoded``.
    public var text: String { "enr:" + Base64URL.encode(encoded) }

    public var description: String { text }

    /// The value stored under a key.
    /// - Parameter key: the key's text, such as `"udp"`.
    /// - Returns: the value, or `nil` when the record has no such key.
    public func value(forKey key: String) -> RLPItem? {
        value(forKey: Array(key.utf8))
    }

    /// The value stored under a key given as bytes.
    /// - Parameter key: the key's bytes.
    /// - Returns: the value, or `nil` when the record has no such key.
    public func value(forKey key: [UInt8]) -> RLPItem? {
        pairs.first { $0.key == key }?.value
    }

    /// The `id` pair: the identity scheme name (always "v4" for a decoded record).
    public var identityScheme: String? {
        value(forKey: "id")?.bytesValue.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The `ip` pair: the IPv4 address, when present and 4 bytes long.
    public var ip: IPAddress? { address(forKey: "ip", length: 4) }
    /// The `ip6` pair: the IPv6 address, when present and 16 bytes long.
    public var ip6: IPAddress? { address(forKey: "ip6", length: 16) }
    /// The `udp` pair: the IPv4 UDP port.
    public var udp: UInt16? { port(forKey: "udp") }
    /// The `tcp` pair: the IPv4 TCP port.
    public var tcp: UInt16? { port(forKey: "tcp") }
    /// The `udp6` pair: the IPv6 UDP port.
    public var udp6: UInt16? { port(forKey: "udp6") }
    /// The `tcp6` pair: the IPv6 TCP port.
    public var tcp6: UInt16? { port(forKey: "tcp6") }

    /// The IPv4 UDP endpoint, when both `ip` and `udp` are present.
    public var udpEndpoint: (ip: IPAddress, port: UInt16)? {
        guard let ip, let udp else { return nil }
        return (ip, udp)
    }

    /// The IPv6 UDP endpoint: `ip6` with `udp6`, or with `udp` when `udp6` is absent
    /// (EIP-778: "udp6 … if not present, the udp port applies").
    public var udp6Endpoint: (ip: IPAddress, port: UInt16)? {
        guard let ip6, let port = udp6 ?? udp else { return nil }
        return (ip6, port)
    }

    private func address(forKey key: String, length: Int) -> IPAddress? {
        guard let bytes = value(forKey: key)?.bytesValue, bytes.count == length else { return nil }
        return IPAddress(bytes: bytes)
    }

    private func port(forKey key: String) -> UInt16? {
        guard let item = value(forKey: key) else { return nil }
        return try? item.uintValue(as: UInt16.self)
    }

    public static func == (lhs: ENR, rhs: ENR) -> Bool { lhs.encoded == rhs.encoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }
}
