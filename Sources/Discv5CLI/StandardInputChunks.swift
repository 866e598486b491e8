// SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input as an async sequence of chunks, read on a dedicated thread so a blocking `read(2)` never
/// occupies the cooperative pool. At most `depth` chunks are read ahead: the consumer returns a credit with
/// ``consumed()`` after handling each one (backpressure down to the file or pipe).
final class StandardInputChunks: Sendable {
    let chunks: AsyncThrowingStream<[UInt8], any Error>
    private let credits: DispatchSemaphore

    /// Starts the reader thread.
    /// - Parameters:
    ///   - chunkSize: Bytes per `read(2)`.
    ///   - depth: Chunks read ahead of the consumer.
    init(chunkSize: Int = 64 << 10, depth: Int = 4) {
        let (chunks, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        // Start at 0 and signal: libdispatch traps when a semaphore is freed below its initial value.
        let credits = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, depth) { credits.signal() }
        self.chunks = chunks
        self.credits = credits
        let thread = Thread {
            while true {
                credits.wait()
                var buffer = [UInt8](repeating: 0, count: chunkSize)
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, chunkSize) }
                if count > 0 {
                    buffer.removeLast(chunkSize - count)
                    continuation.yield(buffer)
                } else if count == 0 {
                    continuation.finish()
                    return
                } else if errno == EINTR {
                    credits.signal()
                } else {
                    continuation.finish(
                        throwing: CLIError.failure("reading stdin: \(String(cString: strerror(errno)))")
                    )
                    return
                }
            }
        }
        thread.start()
    }

    /// Returns one read-ahead credit after a chunk was handled.
    func consumed() {
        self.credits.signal()
    }
}
