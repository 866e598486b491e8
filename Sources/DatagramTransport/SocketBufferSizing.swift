// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sets `SO_RCVBUF`/`SO_SNDBUF`, retrying with the `…FORCE` variant (root only) when the kernel caps the
/// request at `net.core.rmem_max`/`wmem_max`, and reads back what the kernel actually uses.
enum SocketBufferSizing {
    /// Which buffer.
    enum Direction {
        case receive
        case send
    }

    /// Applies `requested` bytes (0 leaves the kernel default) and returns `getsockopt`'s answer.
    ///
    /// Linux doubles the value it is given to leave room for its bookkeeping and reports the doubled
    /// figure, so a request is honoured when the answer is at least twice the request; below that, the
    /// cap applied and the forced variant is tried.
    static func apply(descriptor: CInt, direction: Direction, requested: Int) -> Int {
        let name: CInt
        #if os(Linux)
        let forced: CInt = direction == .receive ? SO_RCVBUFFORCE : SO_SNDBUFFORCE
        #endif
        switch direction {
        case .receive: name = SO_RCVBUF
        case .send: name = SO_SNDBUF
        }
        if requested > 0 {
            let value = CInt(clamping: requested)
            _ = Self.set(descriptor, name, value)
            #if os(Linux)
            if Self.get(descriptor, name) < Int(value) * 2 {
                _ = Self.set(descriptor, forced, value)  // EPERM without CAP_NET_ADMIN: keep the capped size
            }
            #endif
        }
        return Self.get(descriptor, name)
    }

    private static func set(_ descriptor: CInt, _ name: CInt, _ value: CInt) -> Bool {
        var value = value
        return setsockopt(descriptor, SOL_SOCKET, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0
    }

    private static func get(_ descriptor: CInt, _ name: CInt) -> Int {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 else { return 0 }
        return Int(value)
    }
}
