// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// Builds outgoing packets: `packet = masking-iv || masked-header || message`.
///
/// Every random input (masking IV, nonce, id-nonce, ephemeral key) is the caller's: this module
/// draws no randomness. The masking IV is "random data unique to packet"; the nonce must be
/// unique for every message sealed under one key.
///
/// Building each kind:
/// - ordinary: `seal(plaintext:header:maskingIV:destinationID:key:)` with
///   `PacketHeader(nonce:authData: .ordinary(sourceID:))`;
/// - WHOAREYOU: ``whoAreYou(requestNonce:idNonce:enrSeq:maskingIV:destinationID:)``, keeping
///   the returned challenge data for the handshake;
/// - handshake: the same `seal` with `.handshake(HandshakeAuthData(...))`, using the initiator
///   key from ``SessionKeys``.
public enum PacketEncoder {
    /// `masking-iv || header`, unmasked: the `message-ad` a message is sealed with, and for
    /// WHOAREYOU the `challenge-data`.
    ///
    /// - Parameters:
    ///   - header: The packet header.
    ///   - maskingIV: The packet's 16-byte masking IV.
    /// - Returns: The additional authenticated data.
    /// - Throws: ``Discv5WireError/Code/invalidParameter`` when `maskingIV` is not 16 bytes.
    public static func authenticatedData(
        header: PacketHeader,
        maskingIV: some Collection<UInt8>
    ) throws(Discv5WireError) -> [UInt8] {
        try checkIV(maskingIV)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(PacketLimits.maskingIVSize + header.encodedSize)
        buffer.append(contentsOf: maskingIV)
        header.append(to: &buffer)
        return buffer
    }

    /// Assembles a packet from an already encrypted message.
    ///
    /// - Parameters:
    ///   - header: The unmasked header.
    ///   - maskingIV: 16 bytes unique to this packet.
    ///   - mask: The destination's header mask.
    ///   - messageCiphertext: The sealed message with its tag; empty for WHOAREYOU.
    /// - Returns: The datagram.
    /// - Throws: ``Discv5WireError/Code/tooLarge`` over 1280 bytes;
    ///   ``Discv5WireError/Code/invalidParameter`` for a bad IV or a mask for another node.
    public static func encode(
        header: PacketHeader,
        maskingIV: some Collection<UInt8>,
        mask: HeaderMask,
        messageCiphertext: some Collection<UInt8>
    ) throws(Discv5WireError) -> [UInt8] {
        try checkIV(maskingIV)
        let headerEnd = PacketLimits.maskingIVSize + header.encodedSize
        let total = headerEnd + messageCiphertext.count
        try checkTotal(total)
        var packet: [UInt8] = []
        packet.reserveCapacity(total)
        packet.append(contentsOf: maskingIV)
        header.append(to: &packet)
        packet.append(contentsOf: messageCiphertext)
        try maskHeader(&packet, headerEnd: headerEnd, mask: mask)
        return packet
    }

    /// Assembles a packet from an already encrypted message, masking towards `destinationID`
    /// with a throwaway cipher context.
    ///
    /// - Parameters:
    ///   - header: The unmasked header.
    ///   - maskingIV: 16 bytes unique to this packet.
    ///   - destinationID: The recipient's node id.
    ///   - messageCiphertext: The sealed message with its tag; empty for WHOAREYOU.
    /// - Returns: The datagram.
    /// - Throws: ``Discv5WireError/Code/tooLarge`` or ``Discv5WireError/Code/invalidParameter``.
    public static func encode(
        header: PacketHeader,
        maskingIV: some Collection<UInt8>,
        destinationID: NodeID,
        messageCiphertext: some Collection<UInt8>
    ) throws(Discv5WireError) -> [UInt8] {
        try encode(
            header: header,
            maskingIV: maskingIV,
            mask: HeaderMask(nodeID: destinationID),
            messageCiphertext: messageCiphertext
        )
    }

    /// Encrypts a message plaintext and assembles the packet in one buffer:
    ///
    ///     message    = aesgcm_encrypt(key, nonce, message-pt, message-ad)
    ///     message-ad = masking-iv || header
    ///
    /// - Parameters:
    ///   - plaintext: `message-type || message-data`, e.g. ``Message/encode()``.
    ///   - header: The unmasked header; its nonce is the GCM nonce.
    ///   - maskingIV: 16 bytes unique to this packet.
    ///   - mask: The destination's header mask.
    ///   - cipher: The session's sending cipher (initiator or recipient key, by role).
    /// - Returns: The datagram.
    /// - Throws: ``Discv5WireError/Code/tooLarge`` when the packet would exceed 1280 bytes;
    ///   ``Discv5WireError/Code/invalidParameter`` for a bad IV.
    public static func seal(
        plaintext: [UInt8],
        header: PacketHeader,
        maskingIV: some Collection<UInt8>,
        mask: HeaderMask,
        cipher: AES128GCM
    ) throws(Discv5WireError) -> [UInt8] {
        try checkIV(maskingIV)
        let headerEnd = PacketLimits.maskingIVSize + header.encodedSize
        let total = headerEnd + plaintext.count + PacketLimits.tagSize
        try checkTotal(total)
        var packet: [UInt8] = []
        packet.reserveCapacity(total)
        packet.append(contentsOf: maskingIV)
        header.append(to: &packet)
        packet.append(contentsOf: repeatElement(0, count: plaintext.count + PacketLimits.tagSize))
        // The AAD is the unmasked prefix of the very buffer the ciphertext goes into.
        let sealed = packet.withUnsafeMutableBytes { buffer in
            plaintext.withUnsafeBytes { plaintext in
                header.nonce.withUnsafeBytes { nonce in
                    Result { () throws(CryptoError) -> Int in
                        try cipher.seal(
                            plaintext: plaintext,
                            nonce: nonce,
                            authenticating: UnsafeRawBufferPointer(rebasing: buffer[0..<headerEnd]),
                            into: UnsafeMutableRawBufferPointer(rebasing: buffer[headerEnd...])
                        )
                    }
                }
            }
        }
        do {
            _ = try sealed.get()
        } catch {
            throw .invalidParameter("AES-GCM seal failed: \(error)")
        }
        try maskHeader(&packet, headerEnd: headerEnd, mask: mask)
        return packet
    }

    /// Encrypts a message plaintext with a 16-byte key and assembles the packet, using
    /// throwaway cipher contexts.
    ///
    /// - Parameters:
    ///   - plaintext: `message-type || message-data`.
    ///   - header: The unmasked header; its nonce is the GCM nonce.
    ///   - maskingIV: 16 bytes unique to this packet.
    ///   - destinationID: The recipient's node id.
    ///   - key: The 16-byte session key for this direction.
    /// - Returns: The datagram.
    /// - Throws: ``Discv5WireError/Code/tooLarge`` or ``Discv5WireError/Code/invalidParameter``.
    public static func seal(
        plaintext: [UInt8],
        header: PacketHeader,
        maskingIV: some Collection<UInt8>,
        destinationID: NodeID,
        key: some Collection<UInt8>
    ) throws(Discv5WireError) -> [UInt8] {
        let cipher: AES128GCM
        do {
            cipher = try AES128GCM(key: key)
        } catch {
            throw .invalidParameter("session key: \(error)")
        }
        return try seal(
            plaintext: plaintext,
            header: header,
            maskingIV: maskingIV,
            mask: HeaderMask(nodeID: destinationID),
            cipher: cipher
        )
    }

    /// Builds a WHOAREYOU packet and the `challenge-data` to remember for the handshake.
    ///
    /// "The `nonce` part of the packet must be set to the `nonce` of the message packet that
    /// caused the WHOAREYOU response."
    ///
    /// - Parameters:
    ///   - requestNonce: The 12-byte nonce of the packet being answered.
    ///   - idNonce: 16 random bytes.
    ///   - enrSeq: The sequence number of the requester's record held locally, or 0.
    ///   - maskingIV: 16 bytes unique to this packet.
    ///   - destinationID: The requester's node id.
    /// - Returns: The 63-byte datagram and `challenge-data = masking-iv || static-header || authdata`.
    /// - Throws: ``Discv5WireError/Code/invalidParameter`` for inputs of the wrong sizes.
    public static func whoAreYou(
        requestNonce: some Collection<UInt8>,
        idNonce: some Collection<UInt8>,
        enrSeq: UInt64,
        maskingIV: some Collection<UInt8>,
        destinationID: NodeID
    ) throws(Discv5WireError) -> (packet: [UInt8], challengeData: [UInt8]) {
        let header = try PacketHeader(
            nonce: requestNonce,
            authData: .whoAreYou(WhoAreYouAuthData(idNonce: idNonce, enrSeq: enrSeq))
        )
        let challengeData = try authenticatedData(header: header, maskingIV: maskingIV)
        var packet = challengeData
        try maskHeader(&packet, headerEnd: packet.count, mask: HeaderMask(nodeID: destinationID))
        return (packet, challengeData)
    }

    // MARK: - Private

    private static func checkIV(_ maskingIV: some Collection<UInt8>) throws(Discv5WireError) {
        guard maskingIV.count == PacketLimits.maskingIVSize else {
            throw .invalidParameter("masking IV must be 16 bytes, got \(maskingIV.count)")
        }
    }

    private static func checkTotal(_ total: Int) throws(Discv5WireError) {
        guard total <= PacketLimits.maximumPacketSize else {
            throw .make(.tooLarge, "packet of \(total) bytes exceeds \(PacketLimits.maximumPacketSize)")
        }
    }

    private static func maskHeader(_ packet: inout [UInt8], headerEnd: Int, mask: HeaderMask) throws(Discv5WireError) {
        let ivSize = PacketLimits.maskingIVSize
        let result = packet.withUnsafeMutableBytes { buffer in
            Result { () throws(Discv5WireError) in
                try mask.apply(
                    UnsafeMutableRawBufferPointer(rebasing: buffer[ivSize..<headerEnd]),
                    iv: UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<ivSize]))
                )
            }
        }
        try result.get()
    }
}
