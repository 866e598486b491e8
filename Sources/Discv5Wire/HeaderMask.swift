// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// The header-masking cipher for packets addressed to one node:
///
///     masked-header = aesctr_encrypt(masking-key, masking-iv, header)
///     masking-key   = dest-id[:16]
///
/// It keeps an AES-128-CTR context with the key schedule expanded, so a node unmasks every
/// incoming packet with one instance for its own id (see ``PacketDecoder``) and may keep one
/// per frequent destination for outgoing packets. Masking and unmasking are the same operation.
///
/// Not thread-safe, hence not `Sendable`: keep it with the one owner of the packet loop.
public final class HeaderMask {
    /// The node whose id keys this mask (the packets' destination).
    public let nodeID: NodeID

    private let cipher: AES128CTR

    /// Creates the mask for packets sent to `nodeID`.
    ///
    /// - Parameters:
    ///   - nodeID: The destination node id; its first 16 bytes are the key.
    public init(nodeID: NodeID) {
        self.nodeID = nodeID
        do {
            self.cipher = try AES128CTR(key: nodeID.bytes.prefix(AES128CTR.keyByteCount))
        } catch {
            // A 16-byte key is always accepted; only an OpenSSL allocation failure lands here.
            fatalError("AES-128-CTR context creation failed: \(error)")
        }
    }

    /// Masks or unmasks bytes in place.
    ///
    /// - Parameters:
    ///   - buffer: The header bytes, overwritten with the result.
    ///   - iv: The packet's 16-byte masking IV.
    /// - Throws: ``Discv5WireError/Code/invalidParameter`` when `iv` is not 16 bytes.
    public func apply(_ buffer: UnsafeMutableRawBufferPointer, iv: UnsafeRawBufferPointer) throws(Discv5WireError) {
        guard iv.count == PacketLimits.maskingIVSize else {
            throw .invalidParameter("masking IV must be 16 bytes, got \(iv.count)")
        }
        do {
            try cipher.applyInPlace(buffer, iv: iv)
        } catch {
            throw .invalidParameter("AES-CTR failed: \(error)")
        }
    }
}

@available(*, unavailable)
extension HeaderMask: Sendable {}
