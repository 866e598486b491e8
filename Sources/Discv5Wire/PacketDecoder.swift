// SPDX-License-Identifier: Apache-2.0

import ENR

/// Decodes datagrams addressed to the local node.
///
/// "The recipient constructs an AES/CTR stream cipher using its own node ID (`dest-id`) as the
/// key and taking the IV from the packet. It can then decrypt the `static-header` and verify
/// that `protocol-id` matches the expected string. If it does, the recipient can read
/// `authdata-size` and unmask the remaining `authdata`."
///
/// The decoder holds that cipher for the node's own id, so the hot path never rebuilds it.
/// Checks, in order: size (63...1280), protocol id, version, flag, `authdata-size` against the
/// datagram, then the flag's own rules (ordinary: 32; WHOAREYOU: 24 and no message; handshake:
/// sig-size 64, eph-key-size 33, record a valid ENR of at most 300 bytes). Hostile input never
/// traps, and nothing is allocated beyond a copy of the datagram and the authdata fields.
///
/// Not thread-safe (it owns a cipher context), hence not `Sendable`.
public final class PacketDecoder {
    /// The local node id: the destination of the packets this decoder accepts.
    public let localNodeID: NodeID

    private let mask: HeaderMask
    /// Records already decoded from handshakes, by their exact bytes. A peer handshaking again (a new
    /// session after ours expired or theirs restarted) offers the same record, whose signature check is
    /// an ECDSA verification, a quarter of the recipient's handshake cost; identical bytes need no second
    /// check. Bounded: past ``verifiedRecordCapacity`` an arbitrary entry makes room.
    private var verifiedRecords: [[UInt8]: ENR] = [:]
    static let verifiedRecordCapacity = 256

    /// Creates a decoder for packets sent to `localNodeID`.
    ///
    /// - Parameters:
    ///   - localNodeID: Our own node id; its first 16 bytes unmask incoming headers.
    public init(localNodeID: NodeID) {
        self.localNodeID = localNodeID
        self.mask = HeaderMask(nodeID: localNodeID)
    }

    /// Decodes one datagram.
    ///
    /// - Parameters:
    ///   - datagram: The UDP payload as received.
    /// - Returns: The packet with its header unmasked.
    /// - Throws: ``Discv5WireError`` naming the first check that failed.
    public func decode(_ datagram: [UInt8]) throws(Discv5WireError) -> Packet {
        try Self.checkSize(datagram.count)
        var bytes = datagram
        return try decodeInPlace(&bytes)
    }

    /// Decodes one datagram from raw memory (e.g. a NIO buffer's readable bytes), copying it
    /// once.
    ///
    /// - Parameters:
    ///   - datagram: The UDP payload as received.
    /// - Returns: The packet with its header unmasked.
    /// - Throws: ``Discv5WireError`` naming the first check that failed.
    public func decode(_ datagram: UnsafeRawBufferPointer) throws(Discv5WireError) -> Packet {
        try Self.checkSize(datagram.count)
        var bytes = [UInt8](datagram)
        return try decodeInPlace(&bytes)
    }

    // MARK: - Private

    private static func checkSize(_ count: Int) throws(Discv5WireError) {
        guard count >= PacketLimits.minimumPacketSize else {
            throw .make(.tooSmall, "\(count) bytes, minimum \(PacketLimits.minimumPacketSize)")
        }
        guard count <= PacketLimits.maximumPacketSize else {
            throw .make(.tooLarge, "\(count) bytes, maximum \(PacketLimits.maximumPacketSize)")
        }
    }

    /// Unmasks and validates; `bytes` is 63...1280 bytes long.
    private func decodeInPlace(_ bytes: inout [UInt8]) throws(Discv5WireError) -> Packet {
        let ivSize = PacketLimits.maskingIVSize
        let staticEnd = ivSize + PacketLimits.staticHeaderSize

        // First unmask a copy of the static header alone: its authdata-size says how much more
        // to unmask. (CTR keystreams restart at the IV, so the full header is unmasked in one
        // pass below rather than continued from byte 23.)
        let staticHeader = try unmaskedStaticHeader(bytes)
        guard staticHeader.protocolIDMatches else {
            throw .make(.badProtocolID, "protocol-id is not \"discv5\"")
        }
        guard staticHeader.version == PacketLimits.version else {
            throw .make(.unsupportedVersion, "version \(staticHeader.version)")
        }
        guard let flag = PacketFlag(rawValue: staticHeader.flag) else {
            throw .make(.unknownFlag, "flag \(staticHeader.flag)")
        }
        let authDataSize = staticHeader.authDataSize
        let headerEnd = staticEnd + authDataSize
        guard headerEnd <= bytes.count else {
            throw .make(.authDataTruncated, "authdata-size \(authDataSize) exceeds the \(bytes.count)-byte packet")
        }
        // Flag-specific sizes are checked before unmasking the authdata.
        switch flag {
        case .ordinary:
            guard authDataSize == PacketLimits.ordinaryAuthDataSize else {
                throw .make(.authDataSizeMismatch, "authdata-size \(authDataSize), expected 32")
            }
        case .whoAreYou:
            // "The `message` part of WHOAREYOU packets is always empty."
            guard authDataSize == PacketLimits.whoAreYouAuthDataSize, headerEnd == bytes.count else {
                throw .make(
                    .invalidWhoAreYouSize,
                    "authdata-size \(authDataSize) in a \(bytes.count)-byte packet, expected 24 in 63"
                )
            }
        case .handshake:
            guard authDataSize >= PacketLimits.handshakeAuthDataHeadSize else {
                throw .make(.invalidHandshakeSizes, "authdata-size \(authDataSize) below the 34-byte head")
            }
        }

        try unmaskHeader(&bytes, headerEnd: headerEnd)
        let authStart = staticEnd
        let authData: AuthData
        switch flag {
        case .ordinary:
            authData = .ordinary(sourceID: nodeID(bytes, at: authStart))
        case .whoAreYou:
            let idNonce = Array(bytes[authStart..<authStart + PacketLimits.idNonceSize])
            let enrSeq = readUInt64(bytes, at: authStart + PacketLimits.idNonceSize)
            authData = .whoAreYou(WhoAreYouAuthData(unchecked: idNonce, enrSeq: enrSeq))
        case .handshake:
            authData = .handshake(try handshakeAuthData(bytes, start: authStart, end: headerEnd))
        }
        return Packet(unmasked: bytes, headerEnd: headerEnd, authData: authData)
    }

    private struct StaticHeader {
        var protocolIDMatches: Bool
        var version: UInt16
        var flag: UInt8
        var authDataSize: Int
    }

    private func unmaskedStaticHeader(_ bytes: [UInt8]) throws(Discv5WireError) -> StaticHeader {
        let ivSize = PacketLimits.maskingIVSize
        let size = PacketLimits.staticHeaderSize
        // 23 bytes on the stack; no heap allocation for a datagram that fails here.
        let result = withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { scratch in
            bytes.withUnsafeBytes { packet in
                Result { () throws(Discv5WireError) -> StaticHeader in
                    scratch.copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[ivSize..<ivSize + size]))
                    try mask.apply(scratch, iv: UnsafeRawBufferPointer(rebasing: packet[0..<ivSize]))
                    let protocolID = PacketLimits.protocolID
                    var matches = true
                    for index in 0..<protocolID.count where scratch[index] != protocolID[index] {
                        matches = false
                    }
                    return StaticHeader(
                        protocolIDMatches: matches,
                        version: UInt16(scratch[6]) << 8 | UInt16(scratch[7]),
                        flag: scratch[8],
                        authDataSize: Int(scratch[21]) << 8 | Int(scratch[22])
                    )
                }
            }
        }
        return try result.get()
    }

    private func unmaskHeader(_ bytes: inout [UInt8], headerEnd: Int) throws(Discv5WireError) {
        let ivSize = PacketLimits.maskingIVSize
        let result = bytes.withUnsafeMutableBytes { packet in
            Result { () throws(Discv5WireError) in
                let (iv, rest) = (packet[0..<ivSize], packet[ivSize..<headerEnd])
                try mask.apply(
                    UnsafeMutableRawBufferPointer(rebasing: rest),
                    iv: UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer(rebasing: iv))
                )
            }
        }
        try result.get()
    }

    private func handshakeAuthData(_ bytes: [UInt8], start: Int, end: Int) throws(Discv5WireError) -> HandshakeAuthData
    {
        let sourceID = nodeID(bytes, at: start)
        let sigSize = Int(bytes[start + 32])
        let keySize = Int(bytes[start + 33])
        // "sig-size = uint8 -- value: 64 for ID scheme "v4"", "eph-key-size = uint8 -- value: 33".
        guard sigSize == PacketLimits.idSignatureSize, keySize == PacketLimits.ephemeralKeySize else {
            throw .make(.invalidHandshakeSizes, "sig-size \(sigSize), eph-key-size \(keySize); expected 64 and 33")
        }
        let signatureStart = start + PacketLimits.handshakeAuthDataHeadSize
        let keyStart = signatureStart + sigSize
        let recordStart = keyStart + keySize
        guard recordStart <= end else {
            throw .make(.invalidHandshakeSizes, "authdata-size \(end - start) below 34 + 64 + 33")
        }
        let recordSize = end - recordStart
        var record: ENR?
        if recordSize > 0 {
            guard recordSize <= PacketLimits.maximumRecordSize else {
                throw .make(.invalidRecord, "record of \(recordSize) bytes exceeds 300")
            }
            let encoded = Array(bytes[recordStart..<end])
            if let known = verifiedRecords[encoded] {
                record = known
            } else {
                do {
                    let decoded = try ENR(encoded: encoded)
                    if verifiedRecords.count >= Self.verifiedRecordCapacity {
                        verifiedRecords.remove(at: verifiedRecords.startIndex)
                    }
                    verifiedRecords[encoded] = decoded
                    record = decoded
                } catch {
                    throw .make(.invalidRecord, "\(error)")
                }
            }
        }
        return HandshakeAuthData(
            unchecked: sourceID,
            idSignature: Array(bytes[signatureStart..<keyStart]),
            ephemeralPublicKey: Array(bytes[keyStart..<recordStart]),
            record: record
        )
    }

    private func nodeID(_ bytes: [UInt8], at start: Int) -> NodeID {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        words.0 = readUInt64(bytes, at: start)
        words.1 = readUInt64(bytes, at: start + 8)
        words.2 = readUInt64(bytes, at: start + 16)
        words.3 = readUInt64(bytes, at: start + 24)
        return NodeID(words: words)
    }

    private func readUInt64(_ bytes: [UInt8], at start: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in start..<start + 8 {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }
}

@available(*, unavailable)
extension PacketDecoder: Sendable {}
