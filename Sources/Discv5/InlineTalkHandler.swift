// SPDX-License-Identifier: Apache-2.0

/// A TALK handler that runs synchronously on the node's event loop, with no task per request.
///
/// For built-in fast paths only (the `utp` protocol): it must return quickly and never block.
/// Register with ``Node/registerInline(protocolID:_:)``.
public typealias InlineTalkHandler = @Sendable (TalkRequest) -> [UInt8]
