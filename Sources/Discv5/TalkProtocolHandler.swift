// SPDX-License-Identifier: Apache-2.0

/// A TALK sub-protocol: answers TALKREQs for one protocol id.
///
/// Register it with ``Node/register(_:)``. Each request runs as its own task under the node's
/// concurrency cap and deadline (``NodeConfiguration/talkHandlerDeadline``). Throwing, or
/// missing the deadline, answers the requester with an empty TALKRESP. The answer must fit one
/// packet (about 1 KiB); larger data goes over uTP (the connection-id handoff).
public protocol TalkProtocolHandler: Sendable {
    /// The protocol id bytes this handler answers (for example `Array("echo".utf8)`).
    var protocolID: [UInt8] { get }

    /// Answers one request.
    ///
    /// - Parameters:
    ///   - request: The request and who sent it.
    ///   - context: The deadline and a logger.
    /// - Returns: The TALKRESP bytes.
    /// - Throws: Anything; the requester then gets an empty TALKRESP.
    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8]
}
