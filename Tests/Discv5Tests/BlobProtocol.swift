// SPDX-License-Identifier: Apache-2.0

import Discv5
import Synchronization
import TestSupport
import UTP

/// A test TALK sub-protocol over the uTP handoff.
///
/// Request: `mode (1) || size (4, big-endian) || seed (8, big-endian)`.
/// - mode 0 (like GetData): the listener (this handler) serves `size` test bytes; answer: the id `X`
///   (2 bytes, big-endian).
/// - mode 1 (like Offer): the initiator writes; the handler expects the connection, reads to the end in the
///   background and records what it got; answer: `X`.
/// - mode 2: like 0, but the bytes come from an endless slow source (for vanishing-peer tests).
/// - mode 3: like 0, but the same bytes come from an async source of 64 KiB chunks, made as they are sent.
/// Any failure to register answers `0xFF` (declined).
struct BlobProtocol: TalkProtocolHandler {
    static let id = Array("blob".utf8)

    /// What mode-1 transfers delivered: (size, digest) or an error, in order.
    final class Received: Sendable {
        let results = Mutex<[Result<[UInt8], UTPError>]>([])
    }

    let received = Received()

    var protocolID: [UInt8] { Self.id }

    static func request(mode: UInt8, size: Int, seed: UInt64) -> [UInt8] {
        var bytes = [mode]
        bytes += withUnsafeBytes(of: UInt32(size).bigEndian, Array.init)
        bytes += withUnsafeBytes(of: seed.bigEndian, Array.init)
        return bytes
    }

    /// The id in an answer, or `nil` for a decline.
    static func connectionID(_ answer: [UInt8]) -> UInt16? {
        guard answer.count == 2 else { return nil }
        return UInt16(answer[0]) << 8 | UInt16(answer[1])
    }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        let payload = request.payload
        guard payload.count == 13 else { return [0xFF] }
        let size = payload[1..<5].reduce(0) { $0 << 8 | Int($1) }
        let seed = payload[5..<13].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let peer = UTPPeer(request)
        let id: UInt16
        do {
            switch payload[0] {
            case 0:
                id = try context.utp.serve(testBytes(count: size, seed: seed), to: peer)
            case 1:
                let expectation = try context.utp.expect(from: peer)
                let received = self.received
                Task {
                    do {
                        let stream = try await expectation.accept()
                        let bytes = try await stream.readToEnd(maxBytes: size)
                        await stream.close()
                        received.results.withLock { $0.append(.success(bytes)) }
                    } catch {
                        let error = error as? UTPError ?? .closed("\(error)")
                        received.results.withLock { $0.append(.failure(error)) }
                    }
                }
                id = expectation.connectionID
            case 2:
                id = try context.utp.serve(EndlessChunks(seed: seed), to: peer)
            case 3:
                id = try context.utp.serve(TestByteChunks(size: size, seed: seed), to: peer)
            default:
                return [0xFF]
            }
        } catch {
            return [0xFF]
        }
        return [UInt8(id >> 8), UInt8(id & 0xFF)]
    }
}

/// 16 KiB chunks forever, one every millisecond.
struct EndlessChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let seed: UInt64

    struct AsyncIterator: AsyncIteratorProtocol {
        var seed: UInt64

        mutating func next() async throws -> [UInt8]? {
            try await Task.sleep(for: .milliseconds(1))
            seed &+= 1
            return testBytes(count: 16 << 10, seed: seed)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(seed: self.seed) }
}

/// ``testBytes(count:seed:)`` in 64 KiB chunks, generated as they are asked for.
struct TestByteChunks: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let size: Int
    let seed: UInt64

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: Int
        var state: UInt64

        mutating func next() async throws -> [UInt8]? {
            guard self.remaining > 0 else { return nil }
            let count = Swift.min(self.remaining, 64 << 10)
            self.remaining -= count
            return testBytes(count: count, state: &self.state)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: self.size, state: self.seed) }
}
