// SPDX-License-Identifier: Apache-2.0

import Discv5
import Logging
import UTP

/// The responder side of `getdata`: a TALK handler answering ``GetDataRequest``s from a ``GetDataStore``.
///
/// - A value of at most ``GetData/maximumInlineValueLength`` bytes is answered inline.
/// - A larger one is handed to the node's uTP service: the expectation is registered before the
///   `connection(id, length)` response leaves, then the service writes exactly `length` bytes (a
///   file is streamed in ``fileChunkSize`` chunks, never read whole) and sends FIN.
/// - When the service takes no more connections from this requester (its per-peer limit), the
///   answer is ``GetDataResponse/busy``.
/// - An unknown key, or a key the store refuses, is ``GetDataResponse/notFound``.
/// - A malformed request is answered with an empty TALKRESP (the handler throws).
///
/// ```swift
/// try node.register(GetDataServer(store: try DirectoryGetDataStore(root: "/srv/files")))
/// ```
public struct GetDataServer: TalkProtocolHandler {
    /// The TALKREQ protocol id answered (default ``GetData/protocolID``).
    public let protocolID: [UInt8]
    /// Where values are looked up.
    public let store: any GetDataStore
    /// The chunk size a file is streamed in, in bytes (default 64 KiB).
    public let fileChunkSize: Int

    /// Makes a server.
    ///
    /// - Parameters:
    ///   - store: Where values are looked up.
    ///   - protocolID: The TALKREQ protocol id to answer.
    ///   - fileChunkSize: The chunk size a file is streamed in.
    public init(store: any GetDataStore, protocolID: [UInt8] = GetData.protocolID, fileChunkSize: Int = 64 * 1024) {
        self.store = store
        self.protocolID = protocolID
        self.fileChunkSize = max(1, fileChunkSize)
    }

    /// Answers one `GetData` request.
    ///
    /// - Parameters:
    ///   - request: The TALKREQ.
    ///   - context: The node's TALK context (deadline, logger, uTP service).
    /// - Returns: The encoded ``GetDataResponse``.
    /// - Throws: ``TalkGetDataError`` for a malformed request (the requester gets an empty TALKRESP).
    public func handle(_ request: TalkRequest, context: TalkContext) async throws -> [UInt8] {
        let key = try GetDataRequest(decoding: request.payload).key
        let response = try await self.response(for: key, request: request, context: context)
        return try response.encoded()
    }

    private func response(
        for key: [UInt8],
        request: TalkRequest,
        context: TalkContext
    ) async throws -> GetDataResponse {
        let value: GetDataValue?
        do {
            value = try await self.store.value(for: key)
        } catch {
            context.logger.debug("getdata: store refused a key", metadata: ["error": "\(error)"])
            return .notFound
        }
        guard let value else { return .notFound }
        if value.fitsInline {
            switch value {
            case .bytes(let bytes):
                return .inline(bytes)
            case .file(let path, let size):
                var bytes: [UInt8] = []
                do {
                    for try await chunk in GetDataFileChunks(path: path, length: size) { bytes += chunk }
                } catch {
                    context.logger.debug("getdata: cannot read a small file", metadata: ["error": "\(error)"])
                    return .notFound
                }
                return .inline(bytes)
            }
        }
        let peer = UTPPeer(request)
        guard context.utp.canAccept(from: peer) else {
            return .busy
        }
        let id: UInt16
        do {
            switch value {
            case .bytes(let bytes):
                id = try context.utp.serve(bytes, to: peer)
            case .file(let path, let size):
                id = try context.utp.serve(
                    GetDataFileChunks(path: path, length: size, chunkSize: self.fileChunkSize),
                    to: peer
                )
            }
        } catch let error as UTPError where error.code == .connectionLimitReached {
            // Another request took the last slot between `canAccept` and `serve`.
            return .busy
        }
        return .connection(id: id, length: value.size)
    }
}
