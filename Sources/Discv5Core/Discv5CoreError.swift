// SPDX-License-Identifier: Apache-2.0

/// Why a request of ``Discv5Protocol`` failed. Compare on ``code`` only.
public struct Discv5CoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// No answer (or WHOAREYOU, or next NODES packet) within the per-leg timeout.
        public static let timeout = Code("timeout")
        /// The handshake could not be completed (the remote's key is unknown, or signing or
        /// key agreement failed).
        public static let handshakeFailed = Code("handshakeFailed")
        /// A handshake needs the remote's public key, and neither a record nor a key was given.
        public static let noRecord = Code("noRecord")
        /// Too many requests were already queued for this peer while handshaking.
        public static let queueFull = Code("queueFull")
        /// The request did not fit in a packet or could not be encoded.
        public static let encodingFailed = Code("encodingFailed")
        /// A configured limit on concurrent work was reached (for example
        /// ``Discv5EngineConfiguration/maximumConcurrentLookups``); try again later.
        public static let limitReached = Code("limitReached")
        /// The session with the peer was lost and could not be re-established for this request.
        public static let sessionLost = Code("sessionLost")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    private let detail: String
    private let file: String
    private let line: UInt

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - detail: A short explanation for logs.
    ///   - file: The source file raising it.
    ///   - line: The source line raising it.
    public init(_ code: Code, _ detail: String = "", file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// The code, the detail and where it was raised.
    public var description: String {
        "Discv5CoreError.\(code)\(detail.isEmpty ? "" : ": \(detail)") (\(file):\(line))"
    }

    /// Equal when the codes are equal.
    ///
    /// - Parameters:
    ///   - lhs: One error.
    ///   - rhs: The other.
    public static func == (lhs: Discv5CoreError, rhs: Discv5CoreError) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    ///
    /// - Parameters:
    ///   - hasher: The hasher.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never) static func timeout() -> Self { Self(.timeout) }
    @inline(never) static func noRecord() -> Self { Self(.noRecord, "the remote's public key is unknown") }
    @inline(never) static func queueFull(_ limit: Int) -> Self { Self(.queueFull, "\(limit) requests queued") }
    @inline(never) static func handshakeFailed(_ detail: String) -> Self { Self(.handshakeFailed, detail) }
    @inline(never) static func lookupLimitReached(_ limit: Int) -> Self {
        Self(.limitReached, "\(limit) lookups running")
    }
    @inline(never) static func encodingFailed(_ detail: String) -> Self { Self(.encodingFailed, detail) }
}
