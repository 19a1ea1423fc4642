// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "a2a-pipe",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "A2A", targets: ["A2A"]),
        .library(name: "A2AClient", targets: ["A2AClient"]),
        .library(name: "A2APipe", targets: ["A2APipe"]),
        .executable(name: "a2a-pipe", targets: ["a2a-pipe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
    ],
    targets: [
        // The async waiting primitives every other target builds on (a latch, a cancellable
        // FIFO lock, lock-protected waiter sets, a timeout): written and tested once.
        .target(name: "AsyncPrimitives"),
        // Protocol model, the three wire encodings, JSON-RPC envelope, SSE.
        .target(
            name: "A2A",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")]
        ),
        // Client: card discovery, dialect choice, send/stream/get/cancel/subscribe.
        .target(
            name: "A2AClient",
            dependencies: [
                "A2A",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ]
        ),
        // Server: serves any AgentExecutor over A2A 1.0 + 0.3 + python-a2a routes.
        .target(
            name: "A2AServer",
            dependencies: [
                "A2A",
                "AsyncPrimitives",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // A durable TaskStore in one SQLite file (WAL); its own target so the server library
        // does not carry SQLite for embedders that keep tasks in memory.
        .target(
            name: "A2ASQLiteStore",
            dependencies: [
                "A2A",
                "A2AServer",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // In-process agents (echo, words, progress, structured, task, …); depend on A2A only,
        // so the engine can run them without a server.
        .target(
            name: "BuiltinAgents",
            dependencies: ["A2A"]
        ),
        // Pipeline files: spec with source locations, validation, templates, plan.
        .target(
            name: "A2APipe",
            dependencies: [
                "A2A",
                "A2AClient",
                "BuiltinAgents",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The live web page `a2a-pipe serve` shows at / (docs/web.md): HTML, CSS and JS embedded
        // in the binary, so there is no bundle to find at runtime.
        .target(
            name: "A2APipeWeb",
            dependencies: ["A2A", "A2APipe", "A2AServer"],
            resources: [
                .embedInCode("Resources/index.html"),
                .embedInCode("Resources/app.js"),
                .embedInCode("Resources/app.css"),
            ]
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "a2a-pipe",
            dependencies: [
                "A2A",
                "A2AClient",
                "A2APipe",
                "A2AServer",
                "A2ASQLiteStore",
                "A2APipeWeb",
                "BuiltinAgents",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Throughput benchmarks; run in release (see docs/benchmarks.md).
        .executableTarget(
            name: "A2ABenchmarks",
            dependencies: [
                "A2A", "A2APipe", "A2AServer", "BuiltinAgents", "A2AClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        // Test support: starts real Python A2A peers from a virtualenv under .build/.
        .target(
            name: "PeerSupport",
            path: "Tests/PeerSupport",
            exclude: ["README.md"],
            resources: [.copy("Peers"), .copy("Browser")]
        ),
        .testTarget(name: "AsyncPrimitivesTests", dependencies: ["AsyncPrimitives"]),
        .testTarget(name: "A2ATests", dependencies: ["A2A"], resources: [.copy("Samples")]),
        .testTarget(name: "A2AClientTests", dependencies: ["A2A", "A2AClient", "PeerSupport"]),
        .testTarget(name: "A2APipeTests", dependencies: ["A2A", "A2APipe"], resources: [.copy("Fixtures")]),
        .testTarget(name: "EngineTests", dependencies: [
            "A2APipe", "A2A", "A2AClient", "A2AServer", "BuiltinAgents", "PeerSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "PeerSupport", "a2a-pipe",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "A2ASQLiteStoreTests", dependencies: ["A2A", "A2AServer", "A2ASQLiteStore"]),
        .testTarget(
            name: "A2AServerTests",
            dependencies: [
                "A2A", "A2AServer", "A2ASQLiteStore", "BuiltinAgents", "A2AClient", "PeerSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Clients"]  // Python client scripts, found by #filePath
        ),
    ],
    swiftLanguageModes: [.v6]
)
