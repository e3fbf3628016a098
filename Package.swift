// swift-tools-version:6.0
import PackageDescription

// Zero package dependencies by design (DESIGN.md principle 4): the toolchain, the
// system's SQLite and libpq, and our own small shims are the whole world.
let package = Package(
    name: "reactions",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reactions", targets: ["reactions"]),
    ],
    dependencies: [],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            path: "Sources/CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        .target(name: "ReactionsCore"),
        .target(name: "CSystem"),
        // A VFS that writes each commit's log frames with one system call (sqlite_log.c).
        .target(name: "CSQLiteLog", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "HTTPServer", dependencies: ["CSystem"]),
        .target(name: "ReactionsStore", dependencies: ["ReactionsCore", "CSQLite", "CSQLiteLog", "CLibPQ"]),
        .target(name: "ReactionsRuntime", dependencies: ["ReactionsCore", "ReactionsStore", "HTTPServer", "CSystem"]),
        .target(name: "ReactionsCLI", dependencies: ["ReactionsCore", "ReactionsStore", "ReactionsRuntime"]),
        .executableTarget(name: "reactions", dependencies: ["ReactionsCLI"]),
        // Benchmarks measure, tests check: `swift run -c release MatchBenchmark`.
        .executableTarget(name: "MatchBenchmark", dependencies: ["ReactionsCore"], path: "Tests/Benchmarks/MatchBenchmark"),
        .executableTarget(name: "IngestBenchmark", dependencies: ["HTTPServer", "ReactionsCore", "ReactionsStore", "ReactionsRuntime"],
                          path: "Tests/Benchmarks/IngestBenchmark"),
        .executableTarget(name: "StoreBenchmark", dependencies: ["CSQLite", "ReactionsCore", "ReactionsStore"], path: "Tests/Benchmarks/StoreBenchmark"),
        .executableTarget(name: "ReplayBenchmark", dependencies: ["ReactionsCore", "ReactionsStore"], path: "Tests/Benchmarks/ReplayBenchmark"),
        // A raw socket client for the tests that speak HTTP byte by byte (server and hostile tests).
        .target(name: "TestSupport", dependencies: ["CSystem"], path: "Tests/TestSupport"),
        .testTarget(name: "ReactionsCoreTests", dependencies: ["ReactionsCore", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "ReactionsRuntimeTests", dependencies: ["ReactionsRuntime", "ReactionsCore", "HTTPServer"]),
        .testTarget(name: "ReactionsStoreTests", dependencies: ["ReactionsStore", "ReactionsCore", "TestSupport"]),
        // Depends on the executable so `swift test` builds the binary these tests run.
        .testTarget(name: "ReactionsCLITests", dependencies: ["reactions", "ReactionsCore", "ReactionsStore", "ReactionsRuntime", "HTTPServer",
                                                             "TestSupport"]),
    ]
)
