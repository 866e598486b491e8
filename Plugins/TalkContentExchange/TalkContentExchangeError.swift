// SPDX-License-Identifier: Apache-2.0

/// The one error type of `TalkContentExchange`.
///
/// Errors compare and hash by ``code`` only; the offset, the reason and the source location are
/// diagnostics for logs. A peer's malformed message or stream surfaces as one of these, never as a trap.
public struct TalkContentExchangeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of values (new codes may be added in any release,
    /// so `switch` over codes with a `default:`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The input ends before a field, an offset, a list element or a stream item is complete.
        public static let truncated = Code("truncated")
        /// Bytes follow a complete fixed-size value (for example a union's 2-byte `connection_id`).
        public static let trailingBytes = Code("trailingBytes")
        /// The message selector is not one of the Portal wire protocol's (0x00–0x07).
        public static let unknownMessage = Code("unknownMessage")
        /// The message is a Portal message this module does not carry (Ping, Pong, FindNodes, Nodes).
        public static let unsupportedMessage = Code("unsupportedMessage")
        /// The `Content` union selector is not 0 (`connection_id`), 1 (`content`) or 2 (`enrs`).
        public static let invalidUnionSelector = Code("invalidUnionSelector")
        /// An SSZ offset points before the fixed part, backwards, past the end, or is not a whole
        /// number of offsets.
        public static let invalidOffset = Code("invalidOffset")
        /// A `List` has more elements than its SSZ limit (64 offered keys, 32 ENRs).
        public static let tooManyElements = Code("tooManyElements")
        /// A `ByteList` is longer than its SSZ limit: 2048 bytes for keys, content and ENRs, 64 accept codes.
        public static let byteListTooLong = Code("byteListTooLong")
        /// An `Accept` does not carry one code per offered key.
        public static let acceptCountMismatch = Code("acceptCountMismatch")
        /// A stream item's LEB128 length prefix is longer than 5 bytes or exceeds `UInt32.max`.
        public static let lengthPrefixOverflow = Code("lengthPrefixOverflow")
        /// A stream item's LEB128 length prefix is not in its shortest form (a redundant final `0x00` group).
        public static let nonMinimalLengthPrefix = Code("nonMinimalLengthPrefix")
        /// A stream item is longer than the decoder's configured maximum.
        public static let itemTooLarge = Code("itemTooLarge")
        /// A stream carries more items than the decoder expects.
        public static let tooManyItems = Code("tooManyItems")
        /// A peer answered with a message that does not answer the request (for example a
        /// Content to an Offer), or sent a response where a request belongs.
        public static let unexpectedMessage = Code("unexpectedMessage")
        /// The peer answered with an empty TALKRESP: it does not serve this protocol, its handler
        /// failed, or it had no uTP connection slot free for us.
        public static let rejected = Code("rejected")

        /// The code's name, for example `truncated`.
        public var description: String { self.name }
    }

    /// What went wrong.
    public let code: Code

    /// The offset in the decoded input (or stream) of the byte at fault, or `nil` when the error
    /// has no position.
    public let offset: Int?

    private let reason: String
    private let file: String
    private let line: UInt

    private init(code: Code, offset: Int?, reason: String, file: String, line: UInt) {
        self.code = code
        self.offset = offset
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// One human-readable line: code, offset and reason.
    public var description: String {
        let position = self.offset.map { " at offset \($0)" } ?? ""
        return "TalkContentExchangeError.\(self.code)\(position): \(self.reason) [\(self.file):\(self.line)]"
    }

    /// Compares the codes only.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether both errors carry the same ``Code``.
    public static func == (lhs: TalkContentExchangeError, rhs: TalkContentExchangeError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, to agree with `==`.
    ///
    /// - Parameters:
    ///   - hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
    }
}

// MARK: - Factories

extension TalkContentExchangeError {
    @inline(never)
    static func make(
        _ code: Code,
        offset: Int?,
        _ reason: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkContentExchangeError {
        TalkContentExchangeError(code: code, offset: offset, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func truncated(
        offset: Int,
        needed: Int,
        available: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkContentExchangeError {
        .make(
            .truncated,
            offset: offset,
            "needs \(needed) byte(s) but only \(available) remain",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func tooManyElements(
        offset: Int?,
        count: Int,
        limit: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkContentExchangeError {
        .make(.tooManyElements, offset: offset, "\(count) elements exceed the limit \(limit)", file: file, line: line)
    }

    @inline(never)
    static func byteListTooLong(
        offset: Int?,
        length: Int,
        limit: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkContentExchangeError {
        .make(.byteListTooLong, offset: offset, "\(length) bytes exceed the limit \(limit)", file: file, line: line)
    }

    @inline(never)
    static func invalidOffset(
        offset: Int,
        _ reason: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkContentExchangeError {
        .make(.invalidOffset, offset: offset, reason, file: file, line: line)
    }
}
