// SPDX-License-Identifier: Apache-2.0

extension UTPPacket {
    /// The extension type of the selective ACK (BEP 29).
    public static let selectiveAckExtensionType: UInt8 = 1

    /// The encoded length of a packet header plus extensions, without payload.
    public var encodedHeaderLength: Int {
        Self.headerLength + (self.selectiveAck.map { 2 + $0.byteCount } ?? 0)
    }

    /// Decodes a datagram without copying its payload.
    ///
    /// Never traps on hostile input: every length is checked before it is used.
    /// Unknown extension types are skipped, a selective ACK of any length ≥ 1 is accepted (libtorrent
    /// sends 1 byte; BEP 29 says multiples of 4), and only the first selective ACK is kept.
    /// Unknown extensions are not preserved when the packet is encoded again.
    /// - Parameters:
    ///   - bytes: The datagram.
    /// - Throws: ``UTPError`` with code `truncatedHeader`, `unsupportedVersion`, `unknownPacketType`,
    ///   `extensionOverrun` or `invalidSelectiveAck`.
    public init(decoding bytes: ArraySlice<UInt8>) throws(UTPError) {
        let result = bytes.withUnsafeBytes { raw in Self.decodeHeader(raw) }
        switch result {
        case .success(let (packet, payloadOffset)):
            self = packet
            self.payload = bytes[(bytes.startIndex + payloadOffset)...]
        case .failure(let error):
            throw error
        }
    }

    /// Decodes a datagram without copying its payload.
    /// - Parameters:
    ///   - bytes: The datagram.
    /// - Throws: ``UTPError``, as ``init(decoding:)-(ArraySlice<UInt8>)``.
    public init(decoding bytes: [UInt8]) throws(UTPError) {
        try self.init(decoding: bytes[...])
    }

    /// Decodes a datagram from raw memory, copying only the payload.
    /// - Parameters:
    ///   - raw: The datagram.
    /// - Throws: ``UTPError``, as ``init(decoding:)-(ArraySlice<UInt8>)``.
    public init(decoding raw: UnsafeRawBufferPointer) throws(UTPError) {
        switch Self.decodeHeader(raw) {
        case .success(let (packet, payloadOffset)):
            self = packet
            self.payload = payloadOffset < raw.count ? ArraySlice(raw[payloadOffset...]) : []
        case .failure(let error):
            throw error
        }
    }

    /// Parses the header and extension chain; the returned packet has an empty payload.
    static func decodeHeader(_ raw: UnsafeRawBufferPointer) -> Result<(UTPPacket, Int), UTPError> {
        let count = raw.count
        guard count >= Self.headerLength else {
            return .failure(.truncatedHeader(length: count))
        }
        let first = raw[0]
        let version = first & 0x0F
        guard version == Self.version else {
            return .failure(.unsupportedVersion(version))
        }
        guard let type = UTPPacketType(rawValue: first >> 4) else {
            return .failure(.unknownPacketType(first >> 4))
        }
        @inline(__always) func u16(_ at: Int) -> UInt16 {
            UInt16(raw[at]) << 8 | UInt16(raw[at + 1])
        }
        @inline(__always) func u32(_ at: Int) -> UInt32 {
            UInt32(raw[at]) << 24 | UInt32(raw[at + 1]) << 16 | UInt32(raw[at + 2]) << 8 | UInt32(raw[at + 3])
        }
        var packet = UTPPacket(
            type: type,
            connectionID: u16(2),
            timestampMicroseconds: u32(4),
            timestampDifferenceMicroseconds: u32(8),
            windowSize: u32(12),
            sequenceNumber: u16(16),
            ackNumber: u16(18)
        )
        var nextExtension = raw[1]
        var offset = Self.headerLength
        // Each extension is at least 2 bytes, so the loop runs at most count / 2 times.
        while nextExtension != 0 {
            guard offset + 2 <= count else {
                return .failure(.extensionOverrun(offset: offset, length: count))
            }
            let thisExtension = nextExtension
            nextExtension = raw[offset]
            let length = Int(raw[offset + 1])
            offset += 2
            guard offset + length <= count else {
                return .failure(.extensionOverrun(offset: offset, length: count))
            }
            if thisExtension == Self.selectiveAckExtensionType {
                guard length >= 1 else {
                    return .failure(.invalidSelectiveAck())
                }
                if packet.selectiveAck == nil {
                    packet.selectiveAck = UTPSelectiveAck(
                        bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                    )
                }
            }
            offset += length
        }
        return .success((packet, offset))
    }

    /// Encodes the packet, replacing the contents of `buffer` (its capacity is reused).
    /// - Parameters:
    ///   - buffer: The output; on return it holds exactly the encoded datagram.
    public func encode(into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        Self.appendHeader(
            type: self.type,
            connectionID: self.connectionID,
            timestampMicroseconds: self.timestampMicroseconds,
            timestampDifferenceMicroseconds: self.timestampDifferenceMicroseconds,
            windowSize: self.windowSize,
            sequenceNumber: self.sequenceNumber,
            ackNumber: self.ackNumber,
            selectiveAck: self.selectiveAck,
            to: &buffer
        )
        buffer.append(contentsOf: self.payload)
    }

    /// Returns the encoded datagram in a new array.
    public func encoded() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(self.encodedHeaderLength + self.payload.count)
        self.encode(into: &buffer)
        return buffer
    }

    /// Appends a header (and selective ACK) to `buffer`; shared by ``encode(into:)`` and the
    /// connection's send path, which copies the payload straight from its send buffer.
    static func appendHeader(
        type: UTPPacketType,
        connectionID: UInt16,
        timestampMicroseconds: UInt32,
        timestampDifferenceMicroseconds: UInt32,
        windowSize: UInt32,
        sequenceNumber: UInt16,
        ackNumber: UInt16,
        selectiveAck: UTPSelectiveAck?,
        to buffer: inout [UInt8]
    ) {
        @inline(__always) func put16(_ value: UInt16) {
            buffer.append(UInt8(truncatingIfNeeded: value >> 8))
            buffer.append(UInt8(truncatingIfNeeded: value))
        }
        @inline(__always) func put32(_ value: UInt32) {
            buffer.append(UInt8(truncatingIfNeeded: value >> 24))
            buffer.append(UInt8(truncatingIfNeeded: value >> 16))
            buffer.append(UInt8(truncatingIfNeeded: value >> 8))
            buffer.append(UInt8(truncatingIfNeeded: value))
        }
        buffer.append(type.rawValue << 4 | Self.version)
        buffer.append(selectiveAck == nil ? 0 : Self.selectiveAckExtensionType)
        put16(connectionID)
        put32(timestampMicroseconds)
        put32(timestampDifferenceMicroseconds)
        put32(windowSize)
        put16(sequenceNumber)
        put16(ackNumber)
        if let selectiveAck {
            buffer.append(0)
            buffer.append(UInt8(selectiveAck.byteCount))
            for index in 0..<selectiveAck.byteCount {
                buffer.append(selectiveAck.byte(at: index))
            }
        }
    }
}
