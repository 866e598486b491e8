// SPDX-License-Identifier: Apache-2.0

/// FINDNODE Request (0x03): `message-data = [request-id, [distance₁, ..., distanceₙ]]`.
///
/// "FINDNODE queries for nodes at the given logarithmic distances from the recipient's node
/// ID. When distance `0` is requested, the result set should contain the recipient's current
/// record." Each distance is at most 256 (decoding rejects larger ones). An empty list decodes;
/// what to answer is the protocol core's decision.
public struct FindNode: Sendable, Hashable {
    /// The requester-chosen id the NODES responses mirror.
    public var requestID: RequestID
    /// The log2 distances asked for, each in `0...256`.
    public var distances: [UInt16]

    /// Creates a FINDNODE.
    ///
    /// - Parameters:
    ///   - requestID: The request id.
    ///   - distances: Log2 distances, each at most 256 (a larger one is a local bug; the peer
    ///     would reject the message).
    public init(requestID: RequestID, distances: [UInt16]) {
        self.requestID = requestID
        self.distances = distances
    }

    func appendData(to buffer: inout [UInt8]) {
        RLPWriter.appendBytes(requestID.bytes, to: &buffer)
        var list: [UInt8] = []
        for distance in distances {
            RLPWriter.appendUInt(UInt64(distance), to: &list)
        }
        RLPWriter.appendList(payload: list, to: &buffer)
    }

    init(reading fields: inout RLPFieldReader) throws(Discv5WireError) {
        self.requestID = try fields.requestID()
        var list = try fields.list("distances")
        var distances: [UInt16] = []
        while !list.isAtEnd {
            let distance = try list.uint64("distance")
            guard distance <= UInt64(PacketLimits.maximumDistance) else {
                throw .make(.invalidDistance, "distance \(distance) exceeds 256")
            }
            distances.append(UInt16(distance))
        }
        self.distances = distances
        try fields.expectEnd("FINDNODE")
    }
}
