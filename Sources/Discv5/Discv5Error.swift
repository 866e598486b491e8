// SPDX-License-Identifier: Apache-2.0

import Discv5Core

/// The error every public ``Node`` operation throws. Compare on ``code`` only.
public struct Discv5Error: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The peer did not answer in time (each leg of a request has its own timeout).
        public static let timeout = Code("timeout")
        /// The handshake with the peer failed (bad record, signature or key agreement).
        public static let handshakeFailed = Code("handshakeFailed")
        /// The peer's record advertises no UDP endpoint this node can reach.
        public static let noEndpoint = Code("noEndpoint")
        /// The node shut down before the operation finished, or was already shut down.
        public static let nodeShutDown = Code("nodeShutDown")
        /// An argument was out of range (a distance above 256, a payload too large for a packet).
        public static let invalidArgument = Code("invalidArgument")
        /// Too many requests were queued for the peer while a handshake ran, or too many lookups
        /// were running (``Discv5EngineConfiguration/maximumConcurrentLookups``).
        public static let overloaded = Code("overloaded")
        /// The session was lost and could not be re-established for the request.
        public static let sessionLost = Code("sessionLost")
        /// A TALK protocol handler is already registered for that protocol id.
        public static let alreadyRegistered = Code("alreadyRegistered")
        /// The socket could not be opened.
        public static let bindFailed = Code("bindFailed")
        /// The data directory could not be read or written.
        public static let storageFailed = Code("storageFailed")
        /// The key file may be read by group or others, or does not hold a key.
        public static let insecureKeyFile = Code("insecureKeyFile")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public let code: Code
    /// A short explanation for people.
    public let message: String
    private let location: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What went wrong.
    ///   - message: A short explanation for people.
    ///   - file: The source file raising it.
    ///   - line: The source line raising it.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.message = message
        self.location = "\(file):\(line)"
    }

    /// The code, the message and where it was raised.
    public var description: String { "Discv5Error.\(code): \(message) (\(location))" }

    /// Equal when the codes are equal.
    ///
    /// - Parameters:
    ///   - lhs: One error.
    ///   - rhs: The other.
    public static func == (lhs: Discv5Error, rhs: Discv5Error) -> Bool { lhs.code == rhs.code }

    /// Hashes the code.
    ///
    /// - Parameters:
    ///   - hasher: The hasher.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    @inline(never)
    static func nodeShutDown(file: String = #fileID, line: UInt = #line) -> Discv5Error {
        Discv5Error(.nodeShutDown, "the node is shut down", file: file, line: line)
    }

    @inline(never)
    static func noEndpoint(file: String = #fileID, line: UInt = #line) -> Discv5Error {
        Discv5Error(.noEndpoint, "the record advertises no reachable UDP endpoint", file: file, line: line)
    }

    @inline(never)
    static func invalidArgument(_ message: String, file: String = #fileID, line: UInt = #line) -> Discv5Error {
        Discv5Error(.invalidArgument, message, file: file, line: line)
    }

    @inline(never)
    static func storageFailed(_ message: String, file: String = #fileID, line: UInt = #line) -> Discv5Error {
        Discv5Error(.storageFailed, message, file: file, line: line)
    }

    /// The public error for a failure the protocol core reported.
    static func from(_ error: Discv5CoreError) -> Discv5Error {
        switch error.code {
        case .timeout: return Discv5Error(.timeout, "the peer did not answer in time")
        case .handshakeFailed: return Discv5Error(.handshakeFailed, "\(error)")
        case .noRecord: return Discv5Error(.noEndpoint, "the peer's public key is unknown")
        case .queueFull, .limitReached: return Discv5Error(.overloaded, "\(error)")
        case .encodingFailed: return Discv5Error(.invalidArgument, "the request does not fit one packet: \(error)")
        case .sessionLost: return Discv5Error(.sessionLost, "\(error)")
        default: return Discv5Error(.handshakeFailed, "\(error)")
        }
    }
}
