// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `struct mmsghdr` (Linux): a message header and the byte count the kernel sent. Glibc only declares it under
/// `_GNU_SOURCE`, which Swift's Glibc module does not set, so it is declared here with the same layout
/// (`msghdr`, then a 32-bit count; the stride pads to the C size).
struct MessageHeader {
    var header: msghdr
    var length: CUnsignedInt
}

/// The few socket calls the send path makes that Swift's Glibc module does not declare.
enum SystemCalls {
    private typealias SendMessages = @convention(c) (CInt, UnsafeMutableRawPointer?, CUnsignedInt, CInt) -> CInt

    /// `sendmmsg(2)`, looked up once in the C library (it is there on every Linux libc, but undeclared).
    private static let sendmmsgFunction: SendMessages? = {
        #if os(Linux)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sendmmsg") else { return nil }
        return unsafeBitCast(symbol, to: SendMessages.self)
        #else
        return nil
        #endif
    }()

    /// Sends `count` messages; returns how many went out, or -1 with `errno` set when the first one failed.
    /// Without `sendmmsg` (not Linux), sends them one `sendmsg` at a time with the same contract.
    static func sendMessages(_ descriptor: CInt, _ messages: UnsafeMutablePointer<MessageHeader>, count: Int) -> Int {
        if let sendmmsgFunction {
            return Int(sendmmsgFunction(descriptor, UnsafeMutableRawPointer(messages), CUnsignedInt(count), 0))
        }
        for index in 0..<count {
            let sent = withUnsafePointer(to: &messages[index].header) { sendmsg(descriptor, $0, 0) }
            if sent < 0 { return index == 0 ? -1 : index }
            messages[index].length = CUnsignedInt(sent)
        }
        return count
    }
}
