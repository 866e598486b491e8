// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import ENR

/// The fixed records the writer stores: record i has the key i + 1 and UDP port 30000 + i.
enum StateRecords {
    static let count = 64

    static func make() throws -> [ENR] {
        try (0..<count).map { index in
            let hex = String(repeating: "0", count: 56) + String(format8: UInt32(index + 1))
            var builder = ENRBuilder(seq: 1)
            builder.setUDPEndpoint(IPAddress("127.0.0.1")!, port: UInt16(30_000 + index))
            return try builder.sign(with: try Secp256k1.PrivateKey(hex: hex))
        }
    }
}

extension String {
    /// Eight lower-case hex digits.
    init(format8 value: UInt32) {
        let digits = String(value, radix: 16)
        self = String(repeating: "0", count: 8 - digits.count) + digits
    }
}
