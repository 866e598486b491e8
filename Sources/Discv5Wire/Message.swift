// SPDX-License-Identifier: Apache-2.0

import RLP

/// A Discovery v5 message: `message-pt = message-type || message-data`, where `message-data`
/// is an RLP list whose first element is the `request-id`.
public enum Message: Sendable, Hashable {
    /// PING (0x01).
    case ping(Ping)
    /// PONG (0x02).
    case pong(Pong)
    /// FINDNODE (0x03).
    case findNode(FindNode)
    /// NODES (0x04).
    case nodes(Nodes)
    /// TALKREQ (0x05).
    case talkRequest(TalkRequest)
    /// TALKRESP (0x06).
    case talkResponse(TalkResponse)
    /// A topic-advertisement message (0x07 REGTOPIC, 0x08 REGCONFIRMATION, 0x09 TOPICQUERY,
    /// 0x0A TOPICNODES): recognised, not parsed, not an error. The core drops it.
    case ignoredTopicMessage(type: UInt8)

    /// The message type.
    public var type: MessageType {
        switch self {
        case .ping: .ping
        case .pong: .pong
        case .findNode: .findNode
        case .nodes: .nodes
        case .talkRequest: .talkRequest
        case .talkResponse: .talkResponse
        case .ignoredTopicMessage(let type): MessageType(rawValue: type) ?? .regTopic
        }
    }

    /// The request id, or `nil` for an ignored topic message.
    public var requestID: RequestID? {
        switch self {
        case .ping(let message): message.requestID
        case .pong(let message): message.requestID
        case .findNode(let message): message.requestID
        case .nodes(let message): message.requestID
        case .talkRequest(let message): message.requestID
        case .talkResponse(let message): message.requestID
        case .ignoredTopicMessage: nil
        }
    }

    /// Encodes the message plaintext, `message-type || rlp(message-data)`, ready to seal.
    ///
    /// An ``ignoredTopicMessage(type:)`` encodes as its type byte and an empty list: only
    /// useful in tests, since topic messages are never sent.
    ///
    /// - Returns: The plaintext.
    public func encode() -> [UInt8] {
        var data: [UInt8] = []
        switch self {
        case .ping(let message): message.appendData(to: &data)
        case .pong(let message): message.appendData(to: &data)
        case .findNode(let message): message.appendData(to: &data)
        case .nodes(let message): message.appendData(to: &data)
        case .talkRequest(let message): message.appendData(to: &data)
        case .talkResponse(let message): message.appendData(to: &data)
        case .ignoredTopicMessage: break
        }
        var plaintext: [UInt8] = []
        plaintext.reserveCapacity(1 + RLPWriter.headerSize(payloadLength: data.count) + data.count)
        plaintext.append(type.rawValue)
        RLPWriter.appendList(payload: data, to: &plaintext)
        return plaintext
    }

    /// Decodes a message plaintext.
    ///
    /// The RLP must be strict and canonical, `message-data` a single list with exactly the
    /// spec's elements (no trailing elements, no bytes after the list). Topic messages
    /// (0x07–0x0A) are returned as ``ignoredTopicMessage(type:)`` without parsing their data.
    ///
    /// - Parameters:
    ///   - plaintext: `message-type || message-data`, as decrypted.
    /// - Returns: The message.
    /// - Throws: ``Discv5WireError``: ``Discv5WireError/Code/unknownMessageType``,
    ///   ``Discv5WireError/Code/invalidMessage``, ``Discv5WireError/Code/requestIDTooLong`` or
    ///   ``Discv5WireError/Code/invalidDistance``.
    public static func decode(_ plaintext: [UInt8]) throws(Discv5WireError) -> Message {
        try decode(plaintext[...])
    }

    /// Decodes a message plaintext held in a slice.
    ///
    /// - Parameters:
    ///   - plaintext: `message-type || message-data`.
    /// - Returns: The message.
    /// - Throws: ``Discv5WireError``, as the array overload.
    public static func decode(_ plaintext: ArraySlice<UInt8>) throws(Discv5WireError) -> Message {
        guard let typeByte = plaintext.first else {
            throw .invalidMessage("empty plaintext")
        }
        guard let type = MessageType(rawValue: typeByte) else {
            throw .make(.unknownMessageType, "message type \(typeByte)")
        }
        if type.isTopicMessage {
            return .ignoredTopicMessage(type: typeByte)
        }
        var outer = RLPFieldReader(RLPReader(plaintext.dropFirst()))
        var fields = try outer.list("message-data")
        try outer.expectEnd("message-data")
        switch type {
        case .ping: return .ping(try Ping(reading: &fields))
        case .pong: return .pong(try Pong(reading: &fields))
        case .findNode: return .findNode(try FindNode(reading: &fields))
        case .nodes: return .nodes(try Nodes(reading: &fields))
        case .talkRequest: return .talkRequest(try TalkRequest(reading: &fields))
        case .talkResponse: return .talkResponse(try TalkResponse(reading: &fields))
        case .regTopic, .regConfirmation, .topicQuery, .topicNodes:
            return .ignoredTopicMessage(type: typeByte)
        }
    }
}
