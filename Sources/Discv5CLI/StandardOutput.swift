// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Unbuffered writes to file descriptors (stdout, stderr), complete or failing.
enum StandardOutput {
    /// Writes every byte to `descriptor`, retrying short writes and `EINTR`.
    /// - Throws: ``CLIError`` `failure` on any other error (for example `EPIPE`).
    static func write(_ bytes: [UInt8], to descriptor: Int32 = STDOUT_FILENO) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    throw CLIError.failure("writing output: \(String(cString: strerror(errno)))")
                }
            }
        }
    }
}
