// SPDX-License-Identifier: Apache-2.0

import Foundation

/// The RLP bytes of an ENR in its `enr:` text form (base64url without padding, EIP-778).
func recordBytes(enrText: String) -> [UInt8]? {
    guard enrText.hasPrefix("enr:") else { return nil }
    var base64 = String(enrText.dropFirst(4))
        .replacingOccurrences(of: "-", with: "+")
        .replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64).map { Array($0) }
}
