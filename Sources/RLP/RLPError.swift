// SPDX-License-Identifier: Apache-2.0

/// The single error type of the `RLP` module.
///
/// Two errors are equal when their ``code`` is equal; the offset and the diagnostic text are
/// for humans and logs, not for matching. Compare against the static members of ``Code``:
///
/// ```swift
/// do { _ = try RLP.decode(bytes) } catch where error.code == .truncated { ... }
/// ```
public struct RLPError: Error, Hashable, CustomStringConvertible, Sendable {
    /// What went wrong, as an extensible set of codes.
    ///
    /// New codes may be added in later versions, so never switch over them exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: Hashable, Sendable {
            case truncated
            case trailingBytes
            case nonCanonicalSingleByte
            case nonCanonicalLength
            case lengthOverflow
            case elementOverrunsList
            case leadingZeroInteger
            case integerOverflow
            case tooDeep
            case expectedBytes
            case expectedList
        }

        private let backing: Backing

        private init(_ backing: Backing) {
            self.backing = backing
        }

        /// The input ends before the item it announces: a missing prefix byte, missing length bytes or a payload
        /// longer than the bytes that are left.
        public static let truncated = Code(.truncated)
        /// Bytes follow the one top-level item that was asked for.
        public static let trailingBytes = Code(.trailingBytes)
        /// A single byte below `0x80` is wrapped in a one-byte string (`0x81 XX`); it must stand for itself.
        public static let nonCanonicalSingleByte = Code(.nonCanonicalSingleByte)
        /// A length is not in its shortest form: the long form (`0xb8…0xbf`, `0xf8…0xff`) is used for a length
        /// of 55 or less, or the length field starts with a zero byte.
        public static let nonCanonicalLength = Code(.nonCanonicalLength)
        /// A declared length does not fit in `Int`.
        public static let lengthOverflow = Code(.lengthOverflow)
        /// An element of a list reaches past the end of the list's payload.
        public static let elementOverrunsList = Code(.elementOverrunsList)
        /// An integer is encoded with a leading zero byte (zero itself must be the empty string `0x80`).
        public static let leadingZeroInteger = Code(.leadingZeroInteger)
        /// An integer has more bytes than the requested integer type holds.
        public static let integerOverflow = Code(.integerOverflow)
        /// Lists are nested deeper than the allowed maximum depth.
        public static let tooDeep = Code(.tooDeep)
        /// A byte string was expected but a list was found.
        public static let expectedBytes = Code(.expectedBytes)
        /// A list was expected but a byte string was found.
        public static let expectedList = Code(.expectedList)

        /// The code's name, for example `truncated`.
        public var description: String {
            switch self.backing {
            case .truncated: "truncated"
            case .trailingBytes: "trailingBytes"
            case .nonCanonicalSingleByte: "nonCanonicalSingleByte"
            case .nonCanonicalLength: "nonCanonicalLength"
            case .lengthOverflow: "lengthOverflow"
            case .elementOverrunsList: "elementOverrunsList"
            case .leadingZeroInteger: "leadingZeroInteger"
            case .integerOverflow: "integerOverflow"
            case .tooDeep: "tooDeep"
            case .expectedBytes: "expectedBytes"
            case .expectedList: "expectedList"
            }
        }
    }

    /// What went wrong.
    public let code: Code

    /// Where it went wrong: the offset, from the start of the decoded input, of the item or byte at fault,
    /// or `nil` when the error is not tied to a position (for example an integer accessor on an ``RLPItem``).
    public let offset: Int?

    /// A short human explanation with the numbers involved.
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
        return "RLPError.\(self.code)\(position): \(self.reason) [\(self.file):\(self.line)]"
    }

    /// Compares the codes only.
    ///
    /// - Parameters:
    ///   - lhs: An error.
    ///   - rhs: Another error.
    /// - Returns: Whether both errors carry the same ``Code``.
    public static func == (lhs: RLPError, rhs: RLPError) -> Bool {
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

extension RLPError {
    @inline(never)
    static func truncated(
        offset: Int,
        needed: Int,
        available: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> RLPError {
        RLPError(
            code: .truncated,
            offset: offset,
            reason: "needs \(needed) byte(s) but only \(available) remain",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func elementOverrunsList(
        offset: Int,
        needed: Int,
        available: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> RLPError {
        RLPError(
            code: .elementOverrunsList,
            offset: offset,
            reason: "element needs \(needed) byte(s) but its list has only \(available) left",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func trailingBytes(offset: Int, count: Int, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(
            code: .trailingBytes,
            offset: offset,
            reason: "\(count) byte(s) follow the item",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func nonCanonicalSingleByte(
        offset: Int,
        value: UInt8,
        file: String = #fileID,
        line: UInt = #line
    ) -> RLPError {
        RLPError(
            code: .nonCanonicalSingleByte,
            offset: offset,
            reason: "byte \(value) is below 0x80 and must be encoded as itself, not as a one-byte string",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func nonCanonicalLength(
        offset: Int,
        reason: String,
        file: String = #fileID,
        line: UInt = #line
    ) -> RLPError {
        RLPError(code: .nonCanonicalLength, offset: offset, reason: reason, file: file, line: line)
    }

    @inline(never)
    static func lengthOverflow(offset: Int, length: UInt64, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(
            code: .lengthOverflow,
            offset: offset,
            reason: "declared length \(length) does not fit in Int",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func leadingZeroInteger(offset: Int?, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(
            code: .leadingZeroInteger,
            offset: offset,
            reason: "integer starts with a zero byte",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func integerOverflow(
        offset: Int?,
        byteCount: Int,
        maximum: Int,
        file: String = #fileID,
        line: UInt = #line
    ) -> RLPError {
        RLPError(
            code: .integerOverflow,
            offset: offset,
            reason: "integer of \(byteCount) bytes exceeds the \(maximum)-byte target type",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func tooDeep(offset: Int, maximumDepth: Int, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(
            code: .tooDeep,
            offset: offset,
            reason: "lists nested deeper than \(maximumDepth)",
            file: file,
            line: line
        )
    }

    @inline(never)
    static func expectedBytes(offset: Int?, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(code: .expectedBytes, offset: offset, reason: "found a list", file: file, line: line)
    }

    @inline(never)
    static func expectedList(offset: Int?, file: String = #fileID, line: UInt = #line) -> RLPError {
        RLPError(code: .expectedList, offset: offset, reason: "found a byte string", file: file, line: line)
    }
}
