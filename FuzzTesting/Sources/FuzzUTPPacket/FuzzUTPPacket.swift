// SPDX-License-Identifier: Apache-2.0

import UTP

/// Decodes the input as a uTP packet through both entry points (slice and raw memory); they must
/// agree, and a decoded packet must survive encode and decode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUTPPacket(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    let fromSlice = try? UTPPacket(decoding: bytes)
    let fromRaw = bytes.withUnsafeBytes { raw in try? UTPPacket(decoding: raw) }
    precondition(fromSlice == fromRaw, "both decoders must agree")
    guard let packet = fromSlice else { return 0 }
    let encoded = packet.encoded()
    precondition(
        encoded.count == packet.encodedHeaderLength + packet.payload.count,
        "encodedHeaderLength must be exact"
    )
    guard let again = try? UTPPacket(decoding: encoded) else {
        preconditionFailure("an encoded packet must decode: \(encoded)")
    }
    precondition(again == packet, "a packet must survive encode and decode")
    return 0
}
