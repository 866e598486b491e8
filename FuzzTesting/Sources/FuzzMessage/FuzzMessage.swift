// SPDX-License-Identifier: Apache-2.0

import Discv5Wire

/// The message as its encoding carries it: NODES counts the records it skipped as invalid while
/// decoding, and those are not encoded again.
private func withoutDecodingNotes(_ message: Message) -> Message {
    guard case .nodes(var nodes) = message else { return message }
    nodes.invalidRecordCount = 0
    return .nodes(nodes)
}

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
    precondition(again == withoutDecodingNotes(message), "a message must survive encode and decode")
    return 0
}
