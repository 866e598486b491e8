// SPDX-License-Identifier: Apache-2.0

/// The single error type of the `UTP` module.
///
/// Errors compare equal when their ``code`` is equal; the diagnostic text and source location are
/// kept for debugging only.
public struct UTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure. New codes may be added in later versions, so switch with a fallback.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case truncatedHeader
            case unsupportedVersion
            case unknownPacketType
            case extensionOverrun
            case invalidSelectiveAck
            case connectionLimitReached
            case connectionIDInUse
            case unknownConnection
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Fewer than the 20 header bytes BEP 29 requires.
        public static let truncatedHeader = Code(.truncatedHeader)
        /// The version nibble is not 1.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The type nibble is not one of ST_DATA … ST_SYN (0–4).
        public static let unknownPacketType = Code(.unknownPacketType)
        /// An extension header or its body runs past the end of the datagram.
        public static let extensionOverrun = Code(.extensionOverrun)
        /// A selective-ACK extension with a zero-length bitmask.
        public static let invalidSelectiveAck = Code(.invalidSelectiveAck)
        /// A multiplexer limit (total or per peer) would be exceeded.
        public static let connectionLimitReached = Code(.connectionLimitReached)
        /// The requested receive connection id is already used for that peer.
        public static let connectionIDInUse = Code(.connectionIDInUse)
        /// The handle names no live connection.
        public static let unknownConnection = Code(.unknownConnection)

        /// A short name for the code.
        public var description: String {
            String(describing: self.base)
        }
    }

    /// What went wrong.
    public let code: Code
    private let detail: String
    private let location: String

    private init(_ code: Code, _ detail: String, file: String, line: Int) {
        self.code = code
        self.detail = detail
        self.location = "\(file):\(line)"
    }

    /// A readable description including the diagnostic detail.
    public var description: String {
        "UTPError.\(self.code): \(self.detail) (\(self.location))"
    }

    /// Compares on ``code`` only.
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    public static func == (lhs: UTPError, rhs: UTPError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes ``code`` only.
    /// - Parameters:
    ///   - hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
    }

    @inline(never)
    static func truncatedHeader(length: Int, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.truncatedHeader, "datagram of \(length) bytes is shorter than the 20-byte header", file: file, line: line)
    }

    @inline(never)
    static func unsupportedVersion(_ version: UInt8, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.unsupportedVersion, "version \(version) is not 1", file: file, line: line)
    }

    @inline(never)
    static func unknownPacketType(_ type: UInt8, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.unknownPacketType, "packet type \(type) is not 0...4", file: file, line: line)
    }

    @inline(never)
    static func extensionOverrun(offset: Int, length: Int, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.extensionOverrun, "extension at offset \(offset) overruns \(length)-byte datagram", file: file, line: line)
    }

    @inline(never)
    static func invalidSelectiveAck(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.invalidSelectiveAck, "selective ACK with an empty bitmask", file: file, line: line)
    }

    @inline(never)
    static func connectionLimitReached(_ what: String, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.connectionLimitReached, what, file: file, line: line)
    }

    @inline(never)
    static func connectionIDInUse(_ id: UInt16, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.connectionIDInUse, "receive id \(id) already in use for this peer", file: file, line: line)
    }

    @inline(never)
    static func unknownConnection(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.unknownConnection, "no such connection", file: file, line: line)
    }
}
