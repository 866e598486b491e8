// SPDX-License-Identifier: Apache-2.0

import Foundation

/// A JSON vector file a test target bundles under `Vectors/` (each target's `Vectors/PROVENANCE.md` says
/// where its files come from).
public enum VectorFile {
    /// The file was not in the bundle.
    public struct Missing: Error, CustomStringConvertible {
        /// The file name without its `.json` extension.
        public let name: String
        public var description: String { "missing test resource Vectors/\(self.name).json" }
    }

    /// Decodes `Vectors/<name>.json` from `bundle` (the calling target's `Bundle.module`).
    public static func load<T: Decodable>(_ type: T.Type, named name: String, in bundle: Bundle) throws -> T {
        guard let url = bundle.url(forResource: name, withExtension: "json", subdirectory: "Vectors") else {
            throw Missing(name: name)
        }
        return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
