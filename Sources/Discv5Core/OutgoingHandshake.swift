// SPDX-License-Identifier: Apache-2.0

import DequeModule

/// A handshake we started with one peer and the requests waiting for it.
///
/// The trigger request travels in the packet with random content that asks the peer for a
/// WHOAREYOU; every other request to that peer waits in ``queue`` (at most
/// ``Discv5Configuration/maximumQueuedRequestsPerPeer`` in all) and is sent under the new
/// session once the handshake packet is out. If the trigger expires before a WHOAREYOU, the
/// oldest queued request that is still alive becomes the trigger of a fresh attempt.
struct OutgoingHandshake {
    var trigger: RequestHandle
    var queue: Deque<RequestHandle> = []

    var requestCount: Int { 1 + queue.count }
}
