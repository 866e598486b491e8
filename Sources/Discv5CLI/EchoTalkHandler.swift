// SPDX-License-Identifier: Apache-2.0

import Discv5

/// The `echo` TALK protocol of `run --talk-echo`.
struct EchoTalkHandler: TalkProtocolHandler {
    var protocolID: [UInt8] { Array("echo".utf8) }

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        request.payload
    }
}
