// SPDX-License-Identifier: Apache-2.0

import Foundation

/// Prints exactly one JSON object on one stdout line, keys sorted, `null` for absent values.
func printJSON(_ object: [String: Any?]) {
    let cleaned = object.mapValues { $0 ?? NSNull() }
    guard
        let data = try? JSONSerialization.data(
            withJSONObject: cleaned,
            options: [.sortedKeys, .withoutEscapingSlashes]
        )
    else {
        printError("internal error: could not encode JSON")
        return
    }
    print(String(decoding: data, as: UTF8.self))
}
