// SPDX-License-Identifier: Apache-2.0

/// An error thrown by ``DatagramTransport`` operations. Compare on ``code`` only.
public struct DatagramTransportError: Error, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case closed
            case invalidConfiguration
            case bindFailed
        }

        private let base: Base

        /// The transport is closed (or its socket failed).
        public static let closed = Code(base: .closed)
        /// The configuration cannot be used.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// A socket could not be opened or bound.
        public static let bindFailed = Code(base: .bindFailed)

        public var description: String { String(describing: self.base) }
    }

    /// The error code.
    public let code: Code
    private let detail: String
    private let location: String

    init(_ code: Code, _ detail: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.detail = detail
        self.location = "\(file):\(line)"
    }

    @inline(never)
    static func closed(file: String = #fileID, line: Int = #line) -> DatagramTransportError {
        DatagramTransportError(.closed, "the transport is closed", file: file, line: line)
    }

    @inline(never)
    static func invalidConfiguration(
        _ detail: String,
        file: String = #fileID,
        line: Int = #line
    ) -> DatagramTransportError {
        DatagramTransportError(.invalidConfiguration, detail, file: file, line: line)
    }

    @inline(never)
    static func bindFailed(_ detail: String, file: String = #fileID, line: Int = #line) -> DatagramTransportError {
        DatagramTransportError(.bindFailed, detail, file: file, line: line)
    }

    public static func == (lhs: DatagramTransportError, rhs: DatagramTransportError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
    }

    public var description: String {
        "DatagramTransportError.\(self.code): \(self.detail) (\(self.location))"
    }
}
