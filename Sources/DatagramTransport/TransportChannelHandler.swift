// SPDX-License-Identifier: Apache-2.0

import NIOCore

/// The only handler in each socket's pipeline: forwards reads, batch ends, errors and closure to the core.
final class TransportChannelHandler<Handler: DatagramHandler>: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: TransportCore<Handler>
    private let isIPv6: Bool

    init(core: TransportCore<Handler>, isIPv6: Bool) {
        self.core = core
        self.isIPv6 = isIPv6
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.core.received(Self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.core.readBatchEnded()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Fatal errors close the channel on NIO's side (channelInactive follows); others are only counted.
        self.core.errorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.core.channelClosed(isIPv6: self.isIPv6)
    }
}

@available(*, unavailable)
extension TransportChannelHandler: Sendable {}
