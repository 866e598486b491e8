// swift-tools-version:6.2
// SPDX-License-Identifier: Apache-2.0

import PackageDescription

/// Settings every target of this package builds with: Swift 6 language mode plus the
/// upcoming features the style guide asks for.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-discv5",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Discv5Crypto", targets: ["Discv5Crypto"]),
        .library(name: "RLP", targets: ["RLP"]),
        .library(name: "ENR", targets: ["ENR"]),
        .library(name: "Discv5Wire", targets: ["Discv5Wire"]),
        .library(name: "Discv5Core", targets: ["Discv5Core"]),
        .library(name: "UTP", targets: ["UTP"]),
        .library(name: "UTPUDP", targets: ["UTPUDP"]),
        .library(name: "DatagramTransport", targets: ["DatagramTransport"]),
        .library(name: "Discv5", targets: ["Discv5"]),
        .library(name: "Discv5Testing", targets: ["Discv5Testing"]),
        .library(name: "TalkGetData", targets: ["TalkGetData"]),
        .library(name: "TalkContentExchange", targets: ["TalkContentExchange"]),
        .executable(name: "discv5", targets: ["Discv5CLI"]),
        .executable(name: "udp-blast", targets: ["UDPBlast"]),
        .executable(name: "multi-protocol-node", targets: ["MultiProtocolNode"]),
        .executable(name: "file-transfer", targets: ["FileTransfer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        // MARK: System libraries (Debian: libsecp256k1-dev, libssl-dev)
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // MARK: Foundation layers
        .target(
            name: "Discv5Crypto",
            dependencies: ["CSecp256k1", "COpenSSL"],
            swiftSettings: strictSettings
        ),
        .target(name: "RLP", swiftSettings: strictSettings),
        .target(name: "ENR", dependencies: ["Discv5Crypto", "RLP"], swiftSettings: strictSettings),

        // MARK: Discovery v5: pure wire codec and sans-I/O protocol core
        .target(
            name: "Discv5Wire",
            dependencies: ["Discv5Crypto", "RLP", "ENR"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "Discv5Core",
            dependencies: [
                "Discv5Wire", "Discv5Crypto", "RLP", "ENR",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: uTP (BEP 29): sans-I/O core and its raw-UDP shell
        .target(
            name: "UTP",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "UTPUDP",
            dependencies: ["UTP", "Discv5Crypto", "DatagramTransport"],
            swiftSettings: strictSettings
        ),

        // MARK: Shared SwiftNIO UDP endpoint (discv5 node and raw-UDP uTP) and its throughput probe
        .target(
            name: "DatagramTransport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/DatagramTransport",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "UDPBlast",
            dependencies: ["DatagramTransport"],
            path: "Sources/UDPBlast",
            swiftSettings: strictSettings
        ),

        // MARK: The discv5 node: the engine on the transport's event loop, TALK router, persistence
        .target(
            name: "Discv5",
            dependencies: [
                "Discv5Core",
                "Discv5Wire",
                "ENR",
                "Discv5Crypto",
                "DatagramTransport",
                "UTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Sources/Discv5",
            swiftSettings: strictSettings
        ),

        // MARK: Deterministic testing support (manual clock, simulated network)
        .target(name: "Discv5Testing", swiftSettings: strictSettings),

        // MARK: The `discv5` command-line tool
        .executableTarget(
            name: "Discv5CLI",
            dependencies: [
                "Discv5",
                "Discv5Core",
                "Discv5Crypto",
                "ENR",
                "UTP",
                "UTPUDP",
                "DatagramTransport",
                "TalkGetData",
                "TalkContentExchange",
                "COpenSSL",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: Examples (built by CI; each an executable with an explicit path)
        .executableTarget(
            name: "MultiProtocolNode",
            dependencies: [
                "Discv5", "ENR", "Discv5Crypto", "TalkGetData", "TalkContentExchange",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/MultiProtocolNode",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "FileTransfer",
            dependencies: [
                "Discv5", "ENR", "Discv5Crypto", "TalkGetData",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Examples/FileTransfer",
            swiftSettings: strictSettings
        ),

        // MARK: TALK sub-protocol modules (Plugins/ — not SwiftPM plugins)
        // Written only against public API: `packageAccess: false` makes the compiler refuse `package` symbols.
        .target(
            name: "TalkGetData",
            dependencies: ["Discv5", "UTP", "ENR", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/TalkGetData",
            packageAccess: false,
            swiftSettings: strictSettings
        ),
        .target(
            name: "TalkContentExchange",
            dependencies: ["Discv5", "UTP", "ENR", .product(name: "Logging", package: "swift-log")],
            path: "Plugins/TalkContentExchange",
            packageAccess: false,
            swiftSettings: strictSettings
        ),

        // MARK: Tests
        // Helpers every test target may share (seeded generators, test bytes, bounded waits, hex, vector files).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "Discv5CryptoTests",
            dependencies: ["Discv5Crypto", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RLPTests",
            dependencies: ["RLP", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ENRTests",
            dependencies: ["ENR", "Discv5Crypto", "RLP", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "Discv5WireTests",
            dependencies: ["Discv5Wire", "Discv5Crypto", "RLP", "ENR", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "Discv5CoreTests",
            dependencies: ["Discv5Core", "Discv5Wire", "Discv5Crypto", "ENR", "Discv5Testing", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UTPTests",
            dependencies: ["UTP", "Discv5Testing", "TestSupport"],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "UTPUDPTests",
            dependencies: ["UTP", "UTPUDP", "DatagramTransport", "Discv5Crypto", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "DatagramTransportTests",
            dependencies: [
                "DatagramTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "Discv5Tests",
            dependencies: [
                "Discv5", "Discv5Core", "ENR", "Discv5Crypto", "DatagramTransport", "UTP", "Discv5Testing",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Node helpers shared by the plugin test targets (a library, so both can import it).
        .target(
            name: "PluginTestSupport",
            dependencies: ["Discv5", "Discv5Crypto", .product(name: "Logging", package: "swift-log")],
            path: "Tests/PluginTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TalkGetDataTests",
            dependencies: [
                "TalkGetData", "PluginTestSupport", "TestSupport", "Discv5", "Discv5Core", "UTP", "ENR", "Discv5Crypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TalkContentExchangeTests",
            dependencies: [
                "TalkContentExchange", "PluginTestSupport", "TestSupport", "Discv5", "Discv5Core", "UTP", "ENR",
                "Discv5Crypto",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: strictSettings
        ),
        // A child process for Discv5CLITests: rewrites a data directory until it is killed.
        .executableTarget(
            name: "DataDirectoryWriter",
            dependencies: ["Discv5", "Discv5Crypto", "ENR"],
            path: "Tests/DataDirectoryWriter",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "Discv5CLITests",
            dependencies: ["Discv5CLI", "Discv5Crypto", "ENR"],
            swiftSettings: strictSettings
        ),
    ]
)
