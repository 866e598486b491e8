// SPDX-License-Identifier: Apache-2.0

import Discv5
import Discv5Crypto
import ENR
import Logging
import TalkContentExchange
import TalkGetData

/// One node hosting three TALK sub-protocols side by side — `getdata`, the content exchange `cx`
/// and the custom `echo` of ``EchoProtocol`` — and a second node using all three.
///
/// Run: `swift run multi-protocol-node`. Both nodes live in this process on 127.0.0.1.
@main
struct MultiProtocolNode {
    static func main() async throws {
        var configuration = NodeConfiguration(listen: .ipv4(host: "127.0.0.1", port: 0))
        configuration.logger.logLevel = .warning

        // The serving node: one store per protocol, one registration per protocol.
        let files = InMemoryGetDataStore()
        try files.set(Array("Hello from getdata!".utf8), for: Array("hello.txt".utf8))
        try files.set([UInt8](repeating: 0x42, count: 1 << 20), for: Array("blob.bin".utf8))
        let content = InMemoryContentStore([Array("cx-key".utf8): Array("content held by the server".utf8)])

        let server = try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey())
        try server.register(GetDataServer(store: files))
        try server.register(ContentExchangeServer(store: content))
        try server.register(EchoProtocol())
        print("server: \(server.localRecord.text)")

        let client = try await Node.start(configuration: configuration, privateKey: Secp256k1.PrivateKey())
        do {
            let peer = server.localRecord

            // echo: a plain TALKREQ/TALKRESP.
            let echoed = try await client.talk(protocol: Array("echo".utf8), payload: Array("ping?".utf8), to: peer)
            print("echo      -> \(String(decoding: echoed, as: UTF8.self))")

            // getdata: inline for small values, uTP for large ones; the client hides the difference.
            let getData = GetDataClient(node: client)
            let hello = try await getData.get(key: Array("hello.txt".utf8), from: peer)
            print("getdata   -> hello.txt: \(String(decoding: hello, as: UTF8.self))")
            let blob = try await getData.get(key: Array("blob.bin".utf8), from: peer)
            print("getdata   -> blob.bin: \(blob.count) bytes over uTP")

            // Content exchange: FindContent, then Offer (the server accepts what it lacks).
            let exchange = ContentExchangeClient(node: client)
            let found = try await exchange.findContent(key: Array("cx-key".utf8), from: peer)
            print("cx find   -> \(found.map { String(decoding: $0, as: UTF8.self) } ?? "not found")")
            let codes = try await exchange.offer(
                items: [
                    (key: Array("cx-key".utf8), value: Array("duplicate".utf8)),
                    (key: Array("new-key".utf8), value: [UInt8](repeating: 7, count: 300_000)),
                ],
                to: peer
            )
            print("cx offer  -> \(codes.map(\.description))")
        } catch {
            print("failed: \(error)")
        }
        await client.shutdown()
        await server.shutdown()
    }
}
