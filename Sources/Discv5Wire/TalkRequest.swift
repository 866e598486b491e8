// SPDX-License-Identifier: Apache-2.0

/// TALKREQ Request (0x05): `message-data = [request-id, protocol, request]`.
///
/// "TALKREQ sends an application-level request. [...] `protocol` and `request` are RLP byte
/// arrays." Their sizes are bounded only by the packet: decoding can never see more than
/// ``PacketLimits/maximumOrdinaryMessageSize`` bytes, and encoding a packet that would exceed
/// 1280 bytes fails with ``Discv5WireError/Code/tooLarge``.
public struct TalkRequest: Sendable, Hashable {
    /// The requester-chosen id the TALKRESP mirrors.
    public var requestID: RequestID
    /// The sub-protocol's identifier, e.g. `"utp"`.
    public var protocolID: [UInt8]
    /// The sub-protocol's request bytes.
    public var request: [UInt8]

    /// Creates a TALKREQ.
    ///
    /// - Parameters:
    ///   - requestID: The request id.
    ///   - protocolID: The sub-protocol's identifier.
    ///   - request: The request payload.
    public init(requestID: RequestID, protocolID: [UInt8], request: [UInt8]) {
        self.requestID = requestID
        self.protocolID = protocolID
        self.request = request
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        RLPWriter.appendBytes(protocolID, to: &buffer)
        RLPWriter.appendBytes(request, to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        self.protocolID = Array(try fields.bytes("protocol"))
        self.request = Array(try fields.bytes("request"))
        try fields.expectEnd("TALKREQ")
    }
}
