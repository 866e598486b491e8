// SPDX-License-Identifier: Apache-2.0

/// The requests in flight, indexed three ways: by local handle, by `(peer, request-id)` for
/// matching responses, and by packet nonce for matching WHOAREYOU challenges
/// (discv5-theory.md: "The challenge can be traced back to the request packet which solicited
/// it by checking the `nonce`, which mirrors the request packet's `nonce`").
///
/// Deadlines sit in a lazy min-heap so ``nextDeadline`` and expiry are O(log n).
struct RequestTracker {
    private struct ResponseKey: Hashable {
        var peer: NodeAddress
        var requestID: [UInt8]
    }

    private var requests: [RequestHandle: PendingRequest] = [:]
    private var byResponseKey: [ResponseKey: RequestHandle] = [:]
    private var byNonce: [[UInt8]: RequestHandle] = [:]
    private var byPeer: [NodeAddress: Set<RequestHandle>] = [:]
    private var deadlines = DeadlineHeap()
    private var lastHandle: UInt64 = 0

    /// The number of requests tracked.
    var count: Int { requests.count }

    /// A fresh local handle.
    mutating func makeHandle() -> RequestHandle {
        lastHandle += 1
        return RequestHandle(rawValue: lastHandle)
    }

    /// Whether `requestID` is already used by a pending request to `peer`.
    func isInUse(_ requestID: [UInt8], peer: NodeAddress) -> Bool {
        byResponseKey[ResponseKey(peer: peer, requestID: requestID)] != nil
    }

    /// Starts tracking a request.
    mutating func insert(_ request: PendingRequest) {
        requests[request.handle] = request
        byResponseKey[ResponseKey(peer: request.address, requestID: request.requestID)] = request.handle
        if let nonce = request.packetNonce { byNonce[nonce] = request.handle }
        byPeer[request.address, default: []].insert(request.handle)
        deadlines.push(.init(deadline: request.deadline, handle: request.handle))
    }

    /// The request with a handle.
    subscript(handle: RequestHandle) -> PendingRequest? { requests[handle] }

    /// Changes a tracked request, keeping the indexes in step.
    mutating func update(_ handle: RequestHandle, _ body: (inout PendingRequest) -> Void) {
        guard var request = requests[handle] else { return }
        let oldNonce = request.packetNonce
        let oldDeadline = request.deadline
        body(&request)
        if oldNonce != request.packetNonce {
            if let oldNonce { byNonce[oldNonce] = nil }
            if let nonce = request.packetNonce { byNonce[nonce] = handle }
        }
        if oldDeadline != request.deadline {
            deadlines.push(.init(deadline: request.deadline, handle: handle))
        }
        requests[handle] = request
    }

    /// Stops tracking a request.
    @discardableResult
    mutating func remove(_ handle: RequestHandle) -> PendingRequest? {
        guard let request = requests.removeValue(forKey: handle) else { return nil }
        byResponseKey[ResponseKey(peer: request.address, requestID: request.requestID)] = nil
        if let nonce = request.packetNonce, byNonce[nonce] == handle { byNonce[nonce] = nil }
        // In place: copying the set out and back would copy it whole on every removal.
        if let index = byPeer.index(forKey: request.address) {
            byPeer.values[index].remove(handle)
            if byPeer.values[index].isEmpty { byPeer.remove(at: index) }
        }
        return request
    }

    /// The request whose last packet had `nonce`.
    func handle(forNonce nonce: some Collection<UInt8>) -> RequestHandle? {
        byNonce[Array(nonce)]
    }

    /// The request a response from `peer` with `requestID` answers.
    func handle(forResponseFrom peer: NodeAddress, requestID: [UInt8]) -> RequestHandle? {
        byResponseKey[ResponseKey(peer: peer, requestID: requestID)]
    }

    /// The handles of every request to `peer`, oldest first.
    func handles(for peer: NodeAddress) -> [RequestHandle] {
        (byPeer[peer] ?? []).sorted { $0.rawValue < $1.rawValue }
    }

    /// The earliest current deadline, dropping stale heap entries on the way.
    mutating func nextDeadline() -> Discv5Instant? {
        while let top = deadlines.minimum {
            if let request = requests[top.handle], request.deadline == top.deadline { return top.deadline }
            deadlines.popMinimum()
        }
        return nil
    }

    /// Pops the next request whose deadline is at or before `now`, if any (still tracked;
    /// the caller decides what expiry means for it).
    mutating func popExpired(now: Discv5Instant) -> RequestHandle? {
        while let top = deadlines.minimum, top.deadline <= now {
            deadlines.popMinimum()
            if let request = requests[top.handle], request.deadline == top.deadline { return top.handle }
        }
        return nil
    }
}
