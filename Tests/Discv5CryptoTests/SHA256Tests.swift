// SPDX-License-Identifier: Apache-2.0

import Discv5Crypto
import Testing

@Suite struct SHA256Tests {
    @Test(arguments: try TestVectors.standard().sha256.vectors)
    func matchesFIPS180Example(_ row: TestVectors.DigestRow) throws {
        #expect(Hex.encode(SHA256.hash(try bytes(row.message))) == row.digest)
    }

    @Test func oneMillionAsMatchesFIPS180LongExample() {
        // FIPS 180-2 Appendix B.3.
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Hex.encode(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
