// swift-tools-version:6.1
import PackageDescription

// One target per layer; each knows only the layers below it.
//   GrantLedgerEvents  Foundation only: the event catalog, envelope, validation, upcasting,
//                      personal IDs, money and dates. No I/O.
//   GrantLedgerLog     The append-only, hash-chained event log and its storage seam; SQLite is its first backend.
//   GrantLedgerPostgres  The log's PostgreSQL backend (postgres-nio), behind the same seam.
//   GrantLedgerPolicy  The policy catalog (YAML documents under Policies/) and the rules engine:
//                      a pure function of facts, catalog and date to entitlements. No I/O but
//                      reading the catalog's files.
//   GrantLedgerProjections  Entitlements, payouts, payments, targets and funds, derived from the
//                      log by the rules engine into tables beside it (in the SQLite file, or the
//                      PostgreSQL schema); kept current, rebuilt on demand.
//   GrantLedgerIntake  Feeds into events: CSV (UTF-8 or GB18030) and JSON Lines rows mapped by a
//                      mapping file to event submissions with natural-key ids, appended to the log.
//   GrantLedgerService The application layer: `Ledger`, one Sendable entry point to a ledger opened
//                      from a configuration (append and import with the projections caught up,
//                      every question at a moment, parties, periods, typed `LedgerError`s). The
//                      command line and the HTTP service both call it; it knows no flags.
//   grants             The thin command-line executable: parses, calls the `Ledger`, prints.
// Tools/SyntheticCity is the deterministic synthetic city that the demo and every benchmark use.
let package = Package(
    name: "GrantLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "GrantLedgerEvents", targets: ["GrantLedgerEvents"]),
        .library(name: "GrantLedgerLog", targets: ["GrantLedgerLog"]),
        .library(name: "GrantLedgerPolicy", targets: ["GrantLedgerPolicy"]),
        .library(name: "GrantLedgerProjections", targets: ["GrantLedgerProjections"]),
        .library(name: "GrantLedgerIntake", targets: ["GrantLedgerIntake"]),
        .library(name: "GrantLedgerService", targets: ["GrantLedgerService"]),
        .executable(name: "grants", targets: ["grants"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),  // LogHandler.log(event:)
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "GrantLedgerEvents"),
        .target(
            name: "GrantLedgerLog",
            dependencies: [
                "GrantLedgerEvents",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The log on PostgreSQL (postgres-nio), behind the same storage seam: a province's ledger.
        .target(
            name: "GrantLedgerPostgres",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "GrantLedgerPolicy",
            dependencies: ["GrantLedgerEvents", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "GrantLedgerProjections",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPostgres",
                "GrantLedgerPolicy",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GrantLedgerIntake",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                // For the clause ids a mapping may name, and the YAML reading it shares with policies.
                "GrantLedgerPolicy",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GrantLedgerService",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPostgres",
                "GrantLedgerPolicy",
                "GrantLedgerProjections",
                "GrantLedgerIntake",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "GrantLedgerHTTP",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPolicy",
                "GrantLedgerProjections",
                "GrantLedgerService",
                "GrantLedgerIntake",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "SyntheticCity", dependencies: ["GrantLedgerEvents"], path: "Tools/SyntheticCity"),
        .executableTarget(
            name: "grants",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPolicy",
                "GrantLedgerProjections",
                "GrantLedgerIntake",
                "GrantLedgerService",
                "GrantLedgerHTTP",
                "SyntheticCity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "grants-log-bench",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPostgres",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tools/LogBenchmark"
        ),
        .executableTarget(
            name: "grants-policy-bench",
            dependencies: ["GrantLedgerEvents", "GrantLedgerPolicy"],
            path: "Tools/PolicyBenchmark"
        ),
        .executableTarget(
            name: "grants-projection-bench",
            dependencies: [
                "GrantLedgerEvents",
                "GrantLedgerLog",
                "GrantLedgerPostgres",
                "GrantLedgerService",
                "GrantLedgerPolicy",
                "GrantLedgerProjections",
                "SyntheticCity",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/ProjectionBenchmark"
        ),
        .executableTarget(
            name: "grants-city",
            dependencies: ["GrantLedgerEvents", "SyntheticCity", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tools/CityGenerator"
        ),
        .executableTarget(
            name: "grants-file-fuzz",
            dependencies: [
                "GrantLedgerEvents", "GrantLedgerLog", "GrantLedgerPolicy", "GrantLedgerProjections", "GrantLedgerService", "SyntheticCity",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tools/FileFuzz"
        ),
        .executableTarget(
            name: "grants-schemas",
            dependencies: ["GrantLedgerEvents", "GrantLedgerPolicy"],
            path: "Tools/SchemaExport"
        ),
        .testTarget(name: "GrantLedgerEventsTests", dependencies: ["GrantLedgerEvents", "SyntheticCity"]),
        .testTarget(
            name: "GrantLedgerLogTests",
            dependencies: [
                "GrantLedgerLog", "GrantLedgerPostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "GrantLedgerPolicyTests", dependencies: ["GrantLedgerPolicy"]),
        .testTarget(
            name: "GrantLedgerProjectionsTests",
            dependencies: [
                "GrantLedgerProjections", "GrantLedgerPostgres", "SyntheticCity",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            // Read from the source tree by path (GoldenDigestTests), not bundled.
            exclude: ["Golden/digests.json"]
        ),
        .testTarget(
            name: "GrantLedgerIntakeTests",
            dependencies: ["GrantLedgerIntake", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "GrantLedgerServiceTests",
            dependencies: [
                "GrantLedgerService", "GrantLedgerProjections", "GrantLedgerLog", "GrantLedgerEvents", "GrantLedgerPolicy",
                "GrantLedgerPostgres", "SyntheticCity",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "GrantLedgerHTTPTests",
            dependencies: [
                "GrantLedgerHTTP", .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "SyntheticCityTests", dependencies: ["SyntheticCity", "GrantLedgerEvents"]),
        .testTarget(name: "grantsTests", dependencies: ["grants"]),
    ]
)
