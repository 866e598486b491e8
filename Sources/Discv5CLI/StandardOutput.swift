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
                let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
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

/// `write(2)`, named apart from the enum's own `write`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    Musl.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}
