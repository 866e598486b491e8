// SPDX-License-Identifier: Apache-2.0

/// How a content-exchange sub-protocol instance is set up.
public struct ContentExchangeConfiguration: Hashable, Sendable {
    /// The TALKREQ protocol id. Default: ``ContentExchange/defaultProtocolID`` (`cx`).
    public var protocolID: [UInt8]

    /// The largest content item accepted from a uTP stream. Default: 16 MiB.
    ///
    /// The stream decoder refuses a longer item as soon as its length prefix is read, before
    /// buffering any of it.
    public var maximumStreamItemLength: Int

    /// Makes a configuration.
    ///
    /// - Parameters:
    ///   - protocolID: The TALKREQ protocol id.
    ///   - maximumStreamItemLength: The largest content item accepted from a uTP stream.
    public init(
        protocolID: [UInt8] = ContentExchange.defaultProtocolID,
        maximumStreamItemLength: Int = 16 * 1024 * 1024
    ) {
        self.protocolID = protocolID
        self.maximumStreamItemLength = maximumStreamItemLength
    }
}
