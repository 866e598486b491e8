// SPDX-License-Identifier: Apache-2.0

import DatagramTransport
import Testing

struct UDPEndpointTests {
    @Test(arguments: ["1.2.3.4:5", "127.0.0.1:65535", "[::1]:5", "[2001:db8::1]:30303", "[::ffff:1.2.3.4]:9"])
    func printsWhatItParses(text: String) throws {
        let endpoint = try #require(UDPEndpoint(text))
        #expect(endpoint.description == text)
    }

    @Test(arguments: ["1.2.3.4", "1.2.3.4:", "1.2.3.4:65536", "::1:5", "[::1]5", "[::1]:x", "host:5", "1.2.3:4", ""])
    func rejectsMalformedText(text: String) {
        #expect(UDPEndpoint(text) == nil)
    }

    @Test
    func exposesAddressBytes() throws {
        let v4 = try #require(UDPEndpoint("10.0.0.1:80"))
        #expect(v4.ipBytes == [10, 0, 0, 1])
        #expect(v4.isIPv4)
        #expect(v4.ipv4Address == 0x0A00_0001)
        let v6 = try #require(UDPEndpoint("[::1]:80"))
        #expect(v6.ipBytes == [UInt8](repeating: 0, count: 15) + [1])
        #expect(UDPEndpoint(ipBytes: v6.ipBytes, port: 80) == v6)
        #expect(UDPEndpoint(ipBytes: [1, 2, 3], port: 80) == nil)
        #expect(v4.withPort(81).port == 81)
    }
}
