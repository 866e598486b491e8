// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import RLP

/// Collects key/value pairs and signs them into an ``ENR``.
///
/// Keys are kept sorted and unique as EIP-778 requires; `id` and `secp256k1` are set from the
/// signing key by ``sign(with:)``.
///
/// ```swift
/// var builder = ENRBuilder(seq: 1)
/// builder.setUDPEndpoint(IPAddress("127.0.0.1")!, port: 30303)
/// let record = try builder.sign(with: key)
/// ```
public struct ENRBuilder: Sendable {
    /// The sequence number the record will carry.
    public var seq: UInt64
    private var entries: [[UInt8]: RLPItem]

    /// Starts an empty record.
    /// - Parameter seq: the sequence number (EIP-778 records start at 1 by convention).
    public init(seq: UInt64 = 1) {
        self.seq = seq
        self.entries = [:]
    }

    /// Starts from an existing record's pairs and sequence number.
    /// - Parameter record: the record to copy.
    public init(record: ENR) {
        self.seq = record.seq
        self.entries = Dictionary(uniqueKeysWithValues: record.pairs.map { ($0.key, $0.value) })
    }

    /// Sets (or replaces) a pair.
    /// - Parameters:
    ///   - key: the key's text.
    ///   - value: the value.
    public mutating func set(_ key: String, _ value: RLPItem) {
        entries[Array(key.utf8)] = value
    }

    /// Sets (or replaces) a pair whose key is given as bytes.
    /// - Parameters:
    ///   - key: the key's bytes.
    ///   - value: the value.
    public mutating func set(key: [UInt8], value: RLPItem) {
        entries[key] = value
    }

    /// Removes a pair.
    /// - Parameter key: the key's text.
    public mutating func remove(_ key: String) {
        entries[Array(key.utf8)] = nil
    }

    /// Sets `ip` and `udp` (IPv4) or `ip6` and `udp6` (IPv6).
    /// - Parameters:
    ///   - address: the address others should send to.
    ///   - port: the UDP port.
    public mutating func setUDPEndpoint(_ address: IPAddress, port: UInt16) {
        if address.isIPv4 {
            set("ip", .bytes(address.bytes))
            set("udp", .uint(port))
        } else {
            set("ip6", .bytes(address.bytes))
            set("udp6", .uint(port))
        }
    }

    /// Sets `tcp` (IPv4) or `tcp6` (IPv6).
    /// - Parameters:
    ///   - port: the TCP port.
    ///   - ipv6: whether the port belongs to the IPv6 address.
    public mutating func setTCPPort(_ port: UInt16, ipv6: Bool = false) {
        set(ipv6 ? "tcp6" : "tcp", .uint(port))
    }

    /// Signs the pairs with the "v4" scheme, setting `id` and `secp256k1` from the key.
    /// - Parameter key: the node's private key.
    /// - Returns: the signed record.
    /// - Throws: ``ENRError`` with code `recordTooLarge` when the encoding exceeds 300 bytes.
    public func sign(with key: Secp256k1.PrivateKey) throws(ENRError) -> ENR {
        var all = entries
        all[Array("id".utf8)] = .bytes(ENR.v4IdentityScheme)
        all[Array("secp256k1".utf8)] = .bytes(key.publicKey.compressed)
        let pairs = all.map { ENR.Pair(key: $0.key, value: $0.value) }
            .sorted { $0.key.lexicographicallyPrecedes($1.key) }
        return try ENR.sign(seq: seq, pairs: pairs, with: key)
    }
}

extension ENR {
    /// A copy of this record with changes applied, `seq` increased by one and signed again.
    /// - Parameters:
    ///   - key: the node's private key (must match the record's public key).
    ///   - changes: edits to apply to the pairs.
    /// - Returns: the new record.
    /// - Throws: ``ENRError`` when `seq` would overflow, the key does not match, or the result is too large.
    public func updated(
        signingWith key: Secp256k1.PrivateKey,
        _ changes: (inout ENRBuilder) -> Void
    ) throws(ENRError) -> ENR {
        guard seq < UInt64.max else { throw ENRError(.invalidSequenceNumber, "seq would overflow") }
        guard key.publicKey == publicKey else {
            throw ENRError(.signingFailed, "the key does not match the record")
        }
        var builder = ENRBuilder(record: self)
        changes(&builder)
        builder.seq = seq + 1
        return try builder.sign(with: key)
    }
}
