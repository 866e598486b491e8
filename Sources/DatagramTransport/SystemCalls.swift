// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `struct msghdr`, mirrored field for field.
///
/// The C library's own socket structs are declared here again because, in a module that also imports NIO,
/// Swift attributes their members to NIO's internal C module and (with `MemberImportVisibility`) refuses
/// them without an import of that undeclared module. The layouts are checked against the C sizes at startup.
struct RawMessageHeader {
    #if os(Linux)
    typealias VectorCount = Int
    typealias ControlLength = Int
    #else
    typealias VectorCount = Int32
    typealias ControlLength = UInt32
    #endif
    var name: UnsafeMutableRawPointer?
    var nameLength: UInt32
    var vectors: UnsafeMutableRawPointer?
    var vectorCount: VectorCount
    var control: UnsafeMutableRawPointer?
    var controlLength: ControlLength
    var flags: Int32
    #if os(Linux)
    /// C's trailing padding, spelled out: Swift would otherwise place `MessageHeader.length` inside it.
    var padding: Int32 = 0
    #endif
}

/// `struct iovec`, mirrored.
struct RawIOVector {
    var base: UnsafeMutableRawPointer?
    var length: Int
}

/// `struct mmsghdr` (Linux): a message header and the byte count the kernel sent.
struct MessageHeader {
    var header: RawMessageHeader
    var length: UInt32
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

    /// Whether the mirrored structs have the C sizes (checked once; the send path relies on it).
    /// On Linux `mmsghdr` is the 56-byte `msghdr` followed by a 32-bit count at offset 56, stride 64.
    static let layoutsMatch: Bool = {
        var matches =
            MemoryLayout<RawMessageHeader>.size == MemoryLayout<msghdr>.size
            && MemoryLayout<RawIOVector>.size == MemoryLayout<iovec>.size
            && MemoryLayout<RawMessageHeader>.alignment == MemoryLayout<msghdr>.alignment
        #if os(Linux)
        matches =
            matches && MemoryLayout<MessageHeader>.offset(of: \.length) == MemoryLayout<msghdr>.size
            && MemoryLayout<MessageHeader>.stride == (MemoryLayout<msghdr>.size + 4 + 7) & ~7
        #endif
        return matches
    }()

    /// Sends `count` messages; returns how many went out, or -1 with `errno` set when the first one failed.
    /// Without `sendmmsg` (not Linux), sends them one `sendmsg` at a time with the same contract.
    static func sendMessages(_ descriptor: CInt, _ messages: UnsafeMutablePointer<MessageHeader>, count: Int) -> Int {
        if let sendmmsgFunction {
            return Int(sendmmsgFunction(descriptor, UnsafeMutableRawPointer(messages), CUnsignedInt(count), 0))
        }
        for index in 0..<count {
            let sent = UnsafeRawPointer(messages + index).withMemoryRebound(to: msghdr.self, capacity: 1) {
                sendmsg(descriptor, $0, 0)
            }
            if sent < 0 { return index == 0 ? -1 : index }
            messages[index].length = UInt32(sent)
        }
        return count
    }
}
