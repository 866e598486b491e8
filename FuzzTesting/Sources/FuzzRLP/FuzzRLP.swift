// SPDX-License-Identifier: Apache-2.0

import RLP

/// Decodes the input as one RLP item, as a prefix, and through the streaming reader; whatever
/// decodes must re-encode to the bytes it came from (the codec is strict: canonical only).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRLP(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    if let item = try? RLP.decode(bytes) {
        precondition(RLP.encode(item) == bytes, "a decoded item must re-encode to its input")
    }
    if let (item, consumed) = try? RLP.decodePrefix(bytes) {
        precondition(RLP.encode(item) == Array(bytes[..<consumed]), "a decoded prefix must re-encode to itself")
    }
    walk(RLPReader(bytes), depth: 0)
    return 0
}

/// Reads every element the way the message codecs do: typed reads, list entry, skips.
private func walk(_ reader: RLPReader, depth: Int) {
    var reader = reader
    while !reader.isAtEnd {
        guard let kind = try? reader.peekKind() else { return }
        switch kind {
        case .list:
            guard depth < 8, let inner = try? reader.enterList() else { return }
            walk(inner, depth: depth + 1)
        case .bytes:
            var copy = reader
            _ = try? copy.readUInt64()
            guard (try? reader.readBytes()) != nil else { return }
        }
    }
}
