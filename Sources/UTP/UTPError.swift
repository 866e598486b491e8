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
            case connectionReset
            case timedOut
            case refused
            case closed
            case bufferLimitExceeded
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

        /// Stream: the peer reset the connection (ST_RESET) before it finished.
        public static let connectionReset = Code(.connectionReset)
        /// Stream: the SYN went unanswered, the peer fell silent, or a packet was lost too many times.
        public static let timedOut = Code(.timedOut)
        /// Stream: the peer answered our SYN with ST_RESET (nobody listening, or a firewall).
        public static let refused = Code(.refused)
        /// Stream: the stream (or its socket) was closed or reset locally, or written after ``UTPStream/finish()``.
        public static let closed = Code(.closed)
        /// Stream: more bytes arrived than the reader allowed (``UTPStream/readToEnd(maxBytes:)``).
        public static let bufferLimitExceeded = Code(.bufferLimitExceeded)

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
        UTPError(
            .truncatedHeader,
            "datagram of \(length) bytes is shorter than the 20-byte header",
            file: file,
            line: line
        )
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
        UTPError(
            .extensionOverrun,
            "extension at offset \(offset) overruns \(length)-byte datagram",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidSelectiveAck(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.invalidSelectiveAck, "selective ACK with an empty bitmask", file: file, line: line)
    }

    @inline(never)
    package static func connectionLimitReached(_ what: String, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.connectionLimitReached, what, file: file, line: line)
    }

    /// A connection id is already used with this peer.
    /// - Parameters:
    ///   - id: The id.
    ///   - file: Source file.
    ///   - line: Source line.
    @inline(never)
    package static func connectionIDInUse(_ id: UInt16, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.connectionIDInUse, "receive id \(id) already in use for this peer", file: file, line: line)
    }

    @inline(never)
    static func unknownConnection(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.unknownConnection, "no such connection", file: file, line: line)
    }

    @inline(never)
    static func connectionReset(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.connectionReset, "the peer reset the connection", file: file, line: line)
    }

    /// A connection or expectation ran out of time.
    /// - Parameters:
    ///   - what: What timed out.
    ///   - file: Source file.
    ///   - line: Source line.
    @inline(never)
    package static func timedOut(_ what: String, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.timedOut, what, file: file, line: line)
    }

    @inline(never)
    static func refused(file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.refused, "the peer refused the connection", file: file, line: line)
    }

    /// A stream was used after it (or its transport) closed.
    /// - Parameters:
    ///   - what: What was closed.
    ///   - file: Source file.
    ///   - line: Source line.
    @inline(never)
    package static func closed(_ what: String, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.closed, what, file: file, line: line)
    }

    @inline(never)
    static func bufferLimitExceeded(_ limit: Int, file: String = #fileID, line: Int = #line) -> UTPError {
        UTPError(.bufferLimitExceeded, "more than \(limit) bytes arrived", file: file, line: line)
    }

    /// The stream error for a connection's terminal state, or `nil` for a graceful end.
    /// - Parameters:
    ///   - reason: Why the connection closed.
    package static func forClose(_ reason: UTPCloseReason) -> UTPError? {
        switch reason {
        case .finished: return nil
        case .resetByPeer: return .connectionReset()
        case .aborted: return .closed("the connection was reset locally")
        case .timedOut: return .timedOut("the peer did not answer in time")
        case .refused: return .refused()
        }
    }
}
