// SPDX-License-Identifier: Apache-2.0

/// The one error type of `TalkGetData`.
///
/// Errors compare and hash by ``code`` only; the offset, the reason and the source location are
/// diagnostics for logs. A peer's malformed message surfaces as one of these, never as a trap.
public struct TalkGetDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of values (new codes may be added in any release,
    /// so `switch` over codes with a `default:`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The message is empty, or ends before a field it announces is complete.
        public static let truncated = Code("truncated")
        /// Bytes follow the end of a complete message.
        public static let trailingBytes = Code("trailingBytes")
        /// The first byte is not a message tag of this protocol (or not one expected here: a request
        /// tag where a response was expected, or the reverse).
        public static let unknownTag = Code("unknownTag")
        /// A key is empty or longer than ``GetData/maximumKeyLength``.
        public static let invalidKeyLength = Code("invalidKeyLength")
        /// An inline value is longer than ``GetData/maximumInlineValueLength``.
        public static let inlineValueTooLong = Code("inlineValueTooLong")
        /// A key cannot name a file of a ``DirectoryGetDataStore``: it is not UTF-8, contains `/`,
        /// `\`, NUL or a control character, or starts with `.` (hidden files, `.` and `..`).
        public static let invalidKeyName = Code("invalidKeyName")
        /// A ``DirectoryGetDataStore`` root is not an existing directory.
        public static let invalidDirectory = Code("invalidDirectory")
        /// The responder holds no value under the requested key (a `0x03` response).
        public static let notFound = Code("notFound")
        /// The responder had no uTP connection slot free for us (a `0x04` response), also after
        /// the client's retries.
        public static let busy = Code("busy")
        /// The announced value is longer than the client accepts (its `maximumLength`).
        public static let valueTooLarge = Code("valueTooLarge")
        /// The uTP stream ended (FIN) before the announced number of bytes arrived.
        public static let shortTransfer = Code("shortTransfer")
        /// The uTP stream carried more bytes than announced.
        public static let longTransfer = Code("longTransfer")
        /// The responder answered with an empty TALKRESP: it does not serve this protocol, or its
        /// handler failed.
        public static let rejected = Code("rejected")

        /// The code's name, for example `truncated`.
        public var description: String { self.name }
    }

    /// What went wrong.
    public let code: Code

    /// The offset in the decoded input of the byte at fault, or `nil` when the error has no position.
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
        return "TalkGetDataError.\(self.code)\(position): \(self.reason) [\(self.file):\(self.line)]"
    }

    /// Compares the codes only.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether both errors carry the same ``Code``.
    public static func == (lhs: TalkGetDataError, rhs: TalkGetDataError) -> Bool {
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

extension TalkGetDataError {
    @inline(never)
    static func truncated(
        offset: Int,
        needed: Int,
        available: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkGetDataError {
        TalkGetDataError(
            code: .truncated,
            offset: offset,
            reason: "needs \(needed) byte(s) but only \(available) remain",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func trailingBytes(offset: Int, count: Int, file: String = #fileID, line: UInt = #line) -> TalkGetDataError {
        TalkGetDataError(
            code: .trailingBytes,
            offset: offset,
            reason: "\(count) byte(s) follow the message",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func unknownTag(
        _ tag: UInt8,
        expected: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkGetDataError {
        TalkGetDataError(
            code: .unknownTag,
            offset: 0,
            reason: "tag \(tag) is not \(expected)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidKeyLength(
        _ length: Int,
        offset: Int?,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkGetDataError {
        TalkGetDataError(
            code: .invalidKeyLength,
            offset: offset,
            reason: "key length \(length) is outside 1...\(GetData.maximumKeyLength)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func inlineValueTooLong(
        _ length: Int,
        offset: Int?,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkGetDataError {
        TalkGetDataError(
            code: .inlineValueTooLong,
            offset: offset,
            reason: "inline value of \(length) bytes exceeds \(GetData.maximumInlineValueLength)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func invalidKeyName(_ reason: String, file: String = #fileID, line: UInt = #line) -> TalkGetDataError {
        TalkGetDataError(code: .invalidKeyName, offset: nil, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func invalidDirectory(_ path: String, file: String = #fileID, line: UInt = #line) -> TalkGetDataError {
        TalkGetDataError(
            code: .invalidDirectory,
            offset: nil,
            reason: "\(path) is not an existing directory",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func make(
        _ code: Code,
        _ reason: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> TalkGetDataError {
        TalkGetDataError(code: code, offset: nil, reason: reason, file: file, line: line)
    }
}
