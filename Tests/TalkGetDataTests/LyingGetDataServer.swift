// SPDX-License-Identifier: Apache-2.0

import Discv5
import TalkGetData

/// A `getdata` responder that announces `announced` bytes but serves `actual` bytes, to check
/// that the client never takes a short (or long) stream for a complete value.
struct LyingGetDataServer: TalkProtocolHandler {
    let protocolID = GetData.protocolID
    let announced: UInt64
    let actual: [UInt8]

    func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        let id = try context.utp.serve(self.actual, to: UTPPeer(request))
        return try GetDataResponse.connection(id: id, length: self.announced).encoded()
    }
}
