// SPDX-License-Identifier: Apache-2.0

/// One random stream shared by the engine and its protocol machine, so a seeded generator
/// given to ``Discv5Engine`` drives every draw of both in one deterministic order (two copies of
/// a value-type generator would repeat each other's numbers).
struct SharedRandom: RandomNumberGenerator {
    /// The generator behind the stream; a class so both holders draw from the same state.
    private final class Source {
        var generator: any RandomNumberGenerator
        init(_ generator: any RandomNumberGenerator) { self.generator = generator }
    }

    private let source: Source

    init(_ generator: any RandomNumberGenerator) {
        self.source = Source(BufferedSecureRandom.replacingSystem(generator))
    }

    mutating func next() -> UInt64 {
        source.generator.next()
    }
}
