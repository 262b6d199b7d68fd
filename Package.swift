// swift-tools-version:6.1
import PackageDescription

let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "logsmith",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "logsmith", targets: ["App"]),
        .executable(name: "logsmith-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "App",
            dependencies: [
                "Access", "Alerting", "Budgeting", "Ingestion", "LogModel", "LogQuery", "Parsing", "Patterns",
                "Retention",
                "Shippers",
                "Stores",
                "Syslog", "Tailing", "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "Bench",
            dependencies: [
                "LogModel", "Parsing", "Shippers", "Stores", "TestSupport", "WireFormats",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                "LogModel", "LogQuery", "Patterns", "Stores",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HotPaths",
            swiftSettings: upcomingFeatures,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .systemLibrary(name: "CHiredis"),
        .systemLibrary(name: "CSnappy"),
        .target(
            name: "LogModel",
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Access",
            dependencies: [
                "LogModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Alerting",
            dependencies: [
                "LogModel", "LogQuery", "Stores", "Telemetry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Retention",
            dependencies: [
                "Access", "LogModel", "Stores", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Ingestion",
            dependencies: [
                "LogModel", "Patterns", "Stores", "Telemetry",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Tailing",
            dependencies: [
                "LogModel", "LogQuery", "Stores", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Parsing",
            dependencies: ["LogModel"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Patterns",
            dependencies: ["LogModel"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "WireFormats",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "Shippers",
            dependencies: [
                "CSnappy", "LogModel", "WireFormats", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Syslog",
            dependencies: [
                "Ingestion", "LogModel", "Parsing", "Stores", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "LogQuery",
            dependencies: ["LogModel"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Budgeting",
            dependencies: ["LogModel", "Stores"],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Stores",
            dependencies: [
                "Access", "CHiredis", "LogModel", "LogQuery", "Telemetry",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "LogModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "LogModel", "Stores",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "Access", "Alerting", "App", "Ingestion", "LogModel", "Parsing", "Retention", "Shippers", "Stores",
                "Syslog", "Tailing", "Telemetry", "TestSupport", "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "AlertingTests",
            dependencies: ["Alerting", "LogModel", "Stores", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "AccessTests",
            dependencies: ["Access", "LogModel"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "BudgetingTests",
            dependencies: ["Budgeting", "LogModel", "Stores"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "LogModelTests",
            dependencies: ["LogModel", "TestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ShippersTests",
            dependencies: [
                "LogModel", "Shippers", "WireFormats", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "PatternsTests",
            dependencies: ["LogModel", "Patterns", "TestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "ParsingTests",
            dependencies: ["Parsing", "LogModel", "TestSupport"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "LogQueryTests",
            dependencies: ["LogQuery", "LogModel"],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "StoresTests",
            dependencies: [
                "Access", "Alerting", "Ingestion", "Retention", "Stores", "LogModel", "LogQuery", "Tailing",
                "Telemetry", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)
