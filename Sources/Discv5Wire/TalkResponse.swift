// SPDX-License-Identifier: Apache-2.0

/// TALKRESP Response (0x06): `message-data = [request-id, response]`.
///
/// "If the `protocol` is unknown to the recipient, it must respond with a TALKRESP response
/// containing empty `response` data." The response is bounded by the packet size like
/// ``TalkRequest``'s payload.
public struct TalkResponse: Sendable, Hashable {
    /// The TALKREQ's request id, mirrored.
    public var requestID: RequestID
    /// The sub-protocol's response bytes; empty for an unknown protocol.
    public var response: [UInt8]

    /// Creates a TALKRESP.
    ///
    /// - Parameters:
    ///   - requestID: The TALKREQ's request id.
    ///   - response: The response payload.
    public init(requestID: RequestID, response: [UInt8]) {
        self.requestID = requestID
        self.response = response
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        RLPWriter.appendBytes(response, to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        self.response = Array(try fields.bytes("response"))
        try fields.expectEnd("TALKRESP")
    }
}
