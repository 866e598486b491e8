// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0

import PackageDescription

/// The same strict settings as the main package.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One libFuzzer executable per target: its entry point is `LLVMFuzzerTestOneInput`, and
/// libFuzzer supplies `main` once the package is built with `-sanitize=fuzzer`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies,
        swiftSettings: strictSettings + [.unsafeFlags(["-parse-as-library"])]
    )
}

let package = Package(
    name: "FuzzTesting",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "swift-discv5", path: "..")
    ],
    targets: [
        fuzzTarget("FuzzRLP", [.product(name: "RLP", package: "swift-discv5")]),
        fuzzTarget(
            "FuzzENR",
            [
                .product(name: "ENR", package: "swift-discv5"),
                .product(name: "RLP", package: "swift-discv5"),
            ]
        ),
        fuzzTarget(
            "FuzzPacket",
            [
                .product(name: "Discv5Wire", package: "swift-discv5"),
                .product(name: "Discv5Crypto", package: "swift-discv5"),
                .product(name: "ENR", package: "swift-discv5"),
            ]
        ),
        fuzzTarget("FuzzMessage", [.product(name: "Discv5Wire", package: "swift-discv5")]),
        fuzzTarget("FuzzUTPPacket", [.product(name: "UTP", package: "swift-discv5")]),
        fuzzTarget(
            "FuzzDiscv5Protocol",
            [
                "FuzzSupport",
                .product(name: "Discv5Core", package: "swift-discv5"),
                .product(name: "Discv5Crypto", package: "swift-discv5"),
                .product(name: "Discv5Testing", package: "swift-discv5"),
                .product(name: "Discv5Wire", package: "swift-discv5"),
                .product(name: "ENR", package: "swift-discv5"),
                .product(name: "RLP", package: "swift-discv5"),
            ]
        ),
        fuzzTarget("FuzzUTPConnection", ["FuzzSupport", .product(name: "UTP", package: "swift-discv5")]),

        // Reads a fuzz input as a program of opcodes and arguments (the stateful targets).
        .target(name: "FuzzSupport", swiftSettings: strictSettings),
    ]
)
