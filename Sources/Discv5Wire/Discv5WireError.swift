// SPDX-License-Identifier: Apache-2.0

/// The one error type of `Discv5Wire`.
///
/// Errors compare and hash by ``code`` only; the reason and the source location are
/// diagnostics for logs. A peer's bad datagram surfaces as one of these; the protocol core is
/// expected to drop the packet (and perhaps count or penalise), never to crash.
public struct Discv5WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of values (new codes may be added in any release,
    /// so `switch` over codes with a `default:`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The datagram is shorter than ``PacketLimits/minimumPacketSize`` (63 bytes).
        public static let tooSmall = Code("tooSmall")
        /// The datagram (or a packet being built) is longer than ``PacketLimits/maximumPacketSize``.
        public static let tooLarge = Code("tooLarge")
        /// The unmasked header does not start with `"discv5"`: not a packet for us, or masked
        /// with another node's id.
        public static let badProtocolID = Code("badProtocolID")
        /// The header's version is not `0x0001`.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The header's flag is not 0, 1 or 2.
        public static let unknownFlag = Code("unknownFlag")
        /// `authdata-size` claims more bytes than the datagram holds.
        public static let authDataTruncated = Code("authDataTruncated")
        /// An ordinary message packet's `authdata-size` is not 32.
        public static let authDataSizeMismatch = Code("authDataSizeMismatch")
        /// A WHOAREYOU packet's `authdata-size` is not 24, or the packet carries a message.
        public static let invalidWhoAreYouSize = Code("invalidWhoAreYouSize")
        /// A handshake packet's `sig-size`/`eph-key-size` are not 64/33, or do not fit its
        /// `authdata-size`, or an outgoing handshake was given parts of the wrong sizes.
        public static let invalidHandshakeSizes = Code("invalidHandshakeSizes")
        /// A handshake packet's record is not a valid, correctly signed ENR of at most 300 bytes.
        public static let invalidRecord = Code("invalidRecord")
        /// The message's AES-GCM tag did not verify (wrong key, or a tampered packet).
        public static let decryptionFailed = Code("decryptionFailed")
        /// The message plaintext is empty, not valid strict RLP, or not the list shape the
        /// spec gives for its type.
        public static let invalidMessage = Code("invalidMessage")
        /// The message-type byte is not one the spec defines (0x01–0x0A).
        public static let unknownMessageType = Code("unknownMessageType")
        /// A `request-id` is longer than ``PacketLimits/maximumRequestIDSize`` (8) bytes.
        public static let requestIDTooLong = Code("requestIDTooLong")
        /// A FINDNODE distance is above ``PacketLimits/maximumDistance`` (256).
        public static let invalidDistance = Code("invalidDistance")
        /// A caller-supplied nonce, masking IV, id-nonce or key has the wrong length (a local
        /// programming error, reported rather than trapped).
        public static let invalidParameter = Code("invalidParameter")

        /// The code's name, e.g. `badProtocolID`.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code

    private let reason: String
    private let file: String
    private let line: UInt

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - reason: A short explanation for logs.
    ///   - file: The source file that raised it.
    ///   - line: The source line that raised it.
    public init(code: Code, reason: String = "", file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// One line: the code, the reason when there is one, and where it was raised.
    public var description: String {
        let detail = reason.isEmpty ? "" : ": \(reason)"
        return "Discv5WireError.\(code)\(detail) (\(file):\(line))"
    }

    /// Compares two errors by code only.
    ///
    /// - Parameters:
    ///   - lhs: One error.
    ///   - rhs: The other error.
    /// - Returns: Whether the codes are equal.
    public static func == (lhs: Discv5WireError, rhs: Discv5WireError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistent with `==`.
    ///
    /// - Parameters:
    ///   - hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}

// MARK: - Factories

extension Discv5WireError {
    @inline(never)
    static func make(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) -> Discv5WireError {
        Discv5WireError(code: code, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func invalidMessage(_ reason: String, file: String = #fileID, line: UInt = #line) -> Discv5WireError {
        Discv5WireError(code: .invalidMessage, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func invalidParameter(_ reason: String, file: String = #fileID, line: UInt = #line) -> Discv5WireError {
        Discv5WireError(code: .invalidParameter, reason: reason, file: file, line: line)
    }
}
