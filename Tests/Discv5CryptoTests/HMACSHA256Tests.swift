// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct HMACSHA256Tests {
    @Test(arguments: try TestVectors.standard().hmac_sha256.vectors)
    func matchesRFC4231(_ row: TestVectors.HMACRow) throws {
        let mac = HMACSHA256.authenticationCode(for: try bytes(row.data), key: try bytes(row.key))
        #expect(Hex.encode(mac) == row.mac)
    }

    @Test func keyLongerThanBlockIsHashedFirst() {
        // RFC 2104: a key longer than the 64-byte block is replaced by its hash.
        let longKey = [UInt8](repeating: 0xAA, count: 131)
        let data = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        // RFC 4231 test case 6.
        #expect(
            Hex.encode(HMACSHA256.authenticationCode(for: data, key: longKey))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        )
        #expect(
            HMACSHA256.authenticationCode(for: data, key: SHA256.hash(longKey))
                == HMACSHA256.authenticationCode(for: data, key: longKey)
        )
    }
}
