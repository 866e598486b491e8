// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The registry of TALK sub-protocols: one handler per protocol id, async or inline.
///
/// Read on the event loop for every TALKREQ (one lock), written by ``Node/register(_:)``.
public final class TalkRouter: Sendable {
    /// What answers a protocol id.
    enum Route: Sendable {
        case async(any TalkProtocolHandler)
        case inline(InlineTalkHandler)
        /// The node's own uTP-over-TALKREQ service: every packet goes straight to the multiplexer on the
        /// event loop (an inline route with no closure, no request copy and no table lookup per packet).
        case utp
    }

    private let routes = Mutex<[[UInt8]: Route]>([:])

    /// Creates an empty router.
    public init() {}

    /// Adds an async handler for its protocol id.
    ///
    /// - Parameters:
    ///   - handler: The handler.
    /// - Throws: ``Discv5Error`` `alreadyRegistered` when the id has a handler, `invalidArgument`
    ///   for an empty id.
    public func register(_ handler: any TalkProtocolHandler) throws {
        try add(.async(handler), for: handler.protocolID)
    }

    /// Adds an inline handler, run synchronously on the event loop.
    ///
    /// - Parameters:
    ///   - protocolID: The protocol id bytes.
    ///   - handler: The handler.
    /// - Throws: ``Discv5Error`` `alreadyRegistered` when the id has a handler.
    public func registerInline(protocolID: [UInt8], _ handler: @escaping InlineTalkHandler) throws {
        try add(.inline(handler), for: protocolID)
    }

    /// Reserves the `utp` protocol id for the node's built-in uTP service.
    func registerUTP() throws {
        try add(.utp, for: UTPTalkLink.protocolID)
    }

    /// Removes the handler of a protocol id.
    ///
    /// - Parameters:
    ///   - protocolID: The protocol id bytes.
    /// - Returns: Whether a handler was removed.
    @discardableResult
    public func unregister(protocolID: [UInt8]) -> Bool {
        routes.withLock { $0.removeValue(forKey: protocolID) != nil }
    }

    /// The registered protocol ids.
    public var protocolIDs: [[UInt8]] {
        routes.withLock { Array($0.keys) }
    }

    func route(for protocolID: [UInt8]) -> Route? {
        routes.withLock { $0[protocolID] }
    }

    private func add(_ route: Route, for protocolID: [UInt8]) throws {
        guard !protocolID.isEmpty else { throw Discv5Error.invalidArgument("a TALK protocol id must not be empty") }
        let added = routes.withLock { routes in
            guard routes[protocolID] == nil else { return false }
            routes[protocolID] = route
            return true
        }
        guard added else {
            throw Discv5Error(
                .alreadyRegistered,
                "a handler for protocol \(String(decoding: protocolID, as: UTF8.self)) is already registered"
            )
        }
    }
}
