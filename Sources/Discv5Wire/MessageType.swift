// SPDX-License-Identifier: Apache-2.0

/// The `message-type` byte that starts every message plaintext
/// (`message-pt = message-type || message-data`).
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
    /// PING Request (0x01).
    case ping = 0x01
    /// PONG Response (0x02).
    case pong = 0x02
    /// FINDNODE Request (0x03).
    case findNode = 0x03
    /// NODES Response (0x04).
    case nodes = 0x04
    /// TALKREQ Request (0x05).
    case talkRequest = 0x05
    /// TALKRESP Response (0x06).
    case talkResponse = 0x06
    /// REGTOPIC Request (0x07); topic advertisement, recognised and ignored.
    case regTopic = 0x07
    /// REGCONFIRMATION Response (0x08); recognised and ignored.
    case regConfirmation = 0x08
    /// TOPICQUERY Request (0x09); recognised and ignored.
    case topicQuery = 0x09
    /// TOPICNODES Response (0x0A); recognised and ignored.
    case topicNodes = 0x0A

    /// Whether this is one of the topic-advertisement messages (0x07–0x0A), which this
    /// implementation decodes as ``Message/ignoredTopicMessage(type:)``: no reference
    /// implementation serves them.
    public var isTopicMessage: Bool { rawValue >= MessageType.regTopic.rawValue }
}
