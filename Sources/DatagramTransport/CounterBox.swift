// SPDX-License-Identifier: Apache-2.0

/// The event loop's working copy of the counters, shared by the transport's parts. Confined to the loop.
final class CounterBox {
    /// The running totals.
    var values = DatagramTransportStatistics()
}

@available(*, unavailable)
extension CounterBox: Sendable {}
