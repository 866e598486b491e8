// SPDX-License-Identifier: Apache-2.0

/// A ``Lookup`` running inside ``Discv5Engine``.
struct LookupRun {
    /// Who started it: the user gets a ``Discv5Engine/Action/completed(_:_:)``; bootstrap and
    /// refresh lookups only fill the table.
    enum Origin {
        case user
        case bootstrap
        case refresh
    }

    var lookup: Lookup
    let origin: Origin
    /// When the lookup ends whatever its state (``Discv5EngineConfiguration/lookupTimeout``).
    let deadline: Discv5Instant
}
