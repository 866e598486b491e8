// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Discv5Wire
import ENR

/// Node B of the spec's test vectors: the recipient every vector packet is masked for.
private let localKey = try! Secp256k1.PrivateKey(
    hex: "66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628"
)
nonisolated(unsafe) private let decoder = PacketDecoder(localNodeID: NodeID(publicKey: localKey.publicKey))
nonisolated(unsafe) private let mask = HeaderMask(nodeID: decoder.localNodeID)
/// The read key of the spec's ordinary PING vector (all zero).
nonisolated(unsafe) private let vectorCipher = try! AES128GCM(key: [UInt8](repeating: 0, count: 16))

/// Unmasks and decodes the input as a discv5 packet addressed to node B, then does what a
/// recipient does with each kind: tries to open an ordinary message, and for a handshake
/// derives the session keys from its ephemeral key and checks the id signature.
///
/// The first byte picks the form of the rest: even, a datagram as received; odd, a datagram whose
/// header is still in the clear and gets masked here, so that mutations and the dictionary act on
/// the header fields themselves rather than on AES-CTR output.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPacket(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard count > 0, let start else { return 0 }
    var bytes = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    if start[0] & 1 == 1 {
        maskHeader(&bytes)
    }
    let packet: Packet
    do {
        packet = try decoder.decode(bytes)
    } catch {
        return 0
    }
    let raw = bytes.withUnsafeBytes { raw in try? decoder.decode(raw) }
    precondition(raw == packet, "both decoders must agree")
    _ = packet.maskingIV
    _ = packet.header
    switch packet.authData {
    case .ordinary:
        if let message = try? packet.openMessage(using: vectorCipher) {
            _ = message.encode()
        }
    case .whoAreYou(let whoAreYou):
        _ = whoAreYou.enrSeq
    case .handshake(let handshake):
        if let record = handshake.record {
            _ = IDSignature.verify(
                signature: handshake.idSignature,
                publicKey: record.publicKey,
                challengeData: packet.maskingIV,
                ephemeralPublicKey: handshake.ephemeralPublicKey,
                destinationID: decoder.localNodeID
            )
        }
        guard let ephemeral = try? Secp256k1.PublicKey(bytes: handshake.ephemeralPublicKey),
            let secret = try? localKey.sharedSecret(with: ephemeral)
        else { return 0 }
        let keys = SessionKeys.derive(
            ecdhSecret: secret,
            challengeData: packet.authenticatedData,
            initiatorID: handshake.sourceID,
            recipientID: decoder.localNodeID
        )
        _ = try? packet.decryptMessage(key: keys.initiatorKey)
    }
    return 0
}

/// Masks `masking-iv || header || …` in place: the static header and the authdata its
/// `authdata-size` announces (as far as the input reaches).
private func maskHeader(_ bytes: inout [UInt8]) {
    let iv = PacketLimits.maskingIVSize
    let sizeOffset = iv + PacketLimits.staticHeaderSize - 2
    guard bytes.count > sizeOffset + 1 else { return }
    let authDataSize = Int(bytes[sizeOffset]) << 8 | Int(bytes[sizeOffset + 1])
    let end = min(bytes.count, iv + PacketLimits.staticHeaderSize + authDataSize)
    bytes.withUnsafeMutableBytes { buffer in
        try! mask.apply(
            UnsafeMutableRawBufferPointer(rebasing: buffer[iv..<end]),
            iv: UnsafeRawBufferPointer(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<iv]))
        )
    }
}
