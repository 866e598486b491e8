// SPDX-License-Identifier: Apache-2.0

import Foundation

/// SplitMix64: a small seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// Parses `0x`-prefixed (or bare) hex; returns `nil` on malformed input.
func bytes(hex: String) -> [UInt8]? {
    let digits = Array((hex.hasPrefix("0x") ? String(hex.dropFirst(2)) : hex).utf8)
    guard digits.count % 2 == 0 else { return nil }
    var result: [UInt8] = []
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
            return nil
        }
        result.append(byte)
    }
    return result
}

/// The RLP bytes of an ENR in its `enr:` text form (base64url without padding, EIP-778).
func recordBytes(enrText: String) -> [UInt8]? {
    guard enrText.hasPrefix("enr:") else { return nil }
    var base64 = String(enrText.dropFirst(4))
        .replacingOccurrences(of: "-", with: "+")
        .replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { Array($0) }
}
