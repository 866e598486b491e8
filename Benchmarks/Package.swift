// swift-tools-version:6.1
// SPDX-License-Identifier: Apache-2.0

import PackageDescription

/// The benchmark suite of swift-discv5: a package of its own so the main package does not depend on
/// package-benchmark. It reaches the main package only through its public API (`.package(path: "..")`).
/// `make bench` (in the repository root) runs it with the loopback scripts and writes REPORT.md.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-discv5-benchmarks",
    platforms: [.macOS(.v15)],
    products: [.executable(name: "bench-tool", targets: ["BenchTool"])],
    dependencies: [
        .package(name: "swift-discv5", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Shared by the benchmarks and bench-tool: in-memory uTP transfers, discv5 handshakes, RSS.
        .target(
            name: "BenchSupport",
            dependencies: [
                .product(name: "UTP", package: "swift-discv5"),
                .product(name: "Discv5Testing", package: "swift-discv5"),
                .product(name: "Discv5Core", package: "swift-discv5"),
                .product(name: "Discv5Crypto", package: "swift-discv5"),
                .product(name: "ENR", package: "swift-discv5"),
            ],
            swiftSettings: strictSettings
        ),
        // Loss sweep and memory figures for the report (not timings, so not package-benchmark).
        .executableTarget(
            name: "BenchTool",
            dependencies: [
                "BenchSupport",
                .product(name: "UTP", package: "swift-discv5"),
                .product(name: "Discv5Testing", package: "swift-discv5"),
                .product(name: "Discv5Core", package: "swift-discv5"),
                .product(name: "Discv5Crypto", package: "swift-discv5"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "Codecs",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "RLP", package: "swift-discv5"),
                .product(name: "ENR", package: "swift-discv5"),
                .product(name: "Discv5Crypto", package: "swift-discv5"),
                .product(name: "Discv5Wire", package: "swift-discv5"),
                .product(name: "UTP", package: "swift-discv5"),
            ],
            path: "Benchmarks/Codecs",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Handshakes",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Discv5Core", package: "swift-discv5"),
            ],
            path: "Benchmarks/Handshakes",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "UTPInMemory",
            dependencies: [
                "BenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "UTP", package: "swift-discv5"),
                .product(name: "Discv5Testing", package: "swift-discv5"),
            ],
            path: "Benchmarks/UTPInMemory",
            swiftSettings: strictSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
