// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR
import RLP

/// The key that re-signs fuzzed key/value pairs, so that code behind the signature check is
/// reached too (a mutated record almost never carries a valid signature).
private let signingKey = try! Secp256k1.PrivateKey(
    hex: "66fb62bfbd66b9177a138c1e5cddbe4f7c30c343e94e68df8769459cb1cde628"
)

/// Decodes and verifies the input as an ENR in binary and text form; then signs the input's
/// key/value pairs with a fixed key and checks that the result decodes back to the same record.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzENR(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let record = try? ENR(encoded: bytes) {
        inspect(record)
        precondition((try? ENR(text: record.text)) == record, "a record must survive its text form")
    }
    if let record = try? ENR(text: String(decoding: bytes, as: UTF8.self)) {
        inspect(record)
    }
    resign(bytes)
    return 0
}

/// Reads every accessor a node uses on a peer's record.
private func inspect(_ record: ENR) {
    _ = record.nodeID
    _ = record.identityScheme
    _ = record.udpEndpoint
    _ = record.udp6Endpoint
    _ = record.tcp
    _ = record.tcp6
    for pair in record.pairs {
        _ = record.value(forKey: pair.key)
        _ = pair.keyText
    }
    _ = record.description
}

/// Treats the input as `[signature, seq, k1, v1, ...]` and signs its pairs with ``signingKey``.
private func resign(_ bytes: [UInt8]) {
    guard let items = (try? RLP.decode(bytes))?.listValue, items.count >= 2 else { return }
    var builder = ENRBuilder(seq: (try? items[1].uint64Value()) ?? 1)
    var index = 2
    while index + 1 < items.count {
        if let key = items[index].bytesValue {
            builder.set(key: key, value: items[index + 1])
        }
        index += 2
    }
    guard let signed = try? builder.sign(with: signingKey) else { return }
    precondition(signed.encoded.count <= ENR.maximumEncodedSize, "a signed record must respect the size limit")
    guard let decoded = try? ENR(encoded: signed.encoded) else {
        preconditionFailure("a record we signed must decode: \(signed.encoded)")
    }
    precondition(decoded == signed && decoded.pairs == signed.pairs, "a signed record must decode to itself")
    inspect(decoded)
}
