// SPDX-License-Identifier: Apache-2.0

import Discv5
import Logging

/// A whole custom TALK sub-protocol in a few lines: `echo` answers every request with its payload.
///
/// Writing one takes three steps:
/// 1. Pick a protocol id: the bytes peers put in their TALKREQ (here the ASCII `echo`).
/// 2. Answer in `handle`: decode `request.payload`, return the TALKRESP bytes. Throwing sends an
///    empty TALKRESP. Answer within `context.deadline`; a response must fit one packet (about
///    1170 bytes) — hand anything bigger to `context.utp` (see `GetDataServer`).
/// 3. Register it: `try node.register(EchoProtocol())`.
///
/// Peers then call it with `node.talk(protocol: Array("echo".utf8), payload: bytes, to: record)`.
struct EchoProtocol: TalkProtocolHandler {
    /// The error that refuses an over-long request.
    struct PayloadTooLong: Error {}

    /// The TALKREQ protocol id this handler answers.
    let protocolID: [UInt8] = Array("echo".utf8)

    /// The longest payload echoed; longer requests are refused with an empty TALKRESP.
    let maximumPayloadLength = 1000

    /// Answers with the request's payload.
    ///
    /// - Parameters:
    ///   - request: The TALKREQ: payload, sender's node id, endpoint and (when known) record.
    ///   - context: The deadline, a logger and the node's uTP service.
    /// - Returns: The payload itself.
    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        guard request.payload.count <= self.maximumPayloadLength else {
            throw PayloadTooLong()
        }
        context.logger.debug("echo", metadata: ["bytes": "\(request.payload.count)"])
        return request.payload
    }
}
