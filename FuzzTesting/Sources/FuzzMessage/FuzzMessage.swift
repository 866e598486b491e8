// SPDX-License-Identifier: Apache-2.0

import Discv5Wire

/// Decodes the input as a decrypted discv5 message (`message-type || message-data`); whatever
/// decodes must encode to bytes that decode to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessage(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    guard let message = try? Message.decode(bytes) else { return 0 }
    _ = message.type
    _ = message.requestID
    if case .ignoredTopicMessage = message { return 0 }
    let encoded = message.encode()
    guard let again = try? Message.decode(encoded) else {
        preconditionFailure("an encoded message must decode: \(encoded)")
    }
    precondition(again == message, "a message must survive encode and decode")
    return 0
}
