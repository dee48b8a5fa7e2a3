// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "modelhub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "modelhub", targets: ["modelhub"]),
        // For the fuzzing package in Fuzz/, which drives the request parsers directly.
        .library(name: "HubCore", targets: ["HubCore"]),
        .library(name: "HubServices", targets: ["HubServices"]),
        .library(name: "HubHTTP", targets: ["HubHTTP"]),
        .library(name: "HubWeb", targets: ["HubWeb"]),
        .library(name: "XetCore", targets: ["XetCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.5.2"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.1"..<"7.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Debian's libgit2 (libgit2-dev), imported by HubGit only.
        .systemLibrary(
            name: "CLibGit2",
            path: "Sources/CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Debian's cmark-gfm and its GitHub extensions, imported by HubMarkdown only.
        .systemLibrary(
            name: "CCMarkGFM",
            path: "Sources/CCMarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(name: "HubMarkdown", dependencies: ["CCMarkGFM"]),
        // BLAKE3's reference C implementation, built into /usr/local by .ci/build-blake3 from the
        // sources Debian ships in librust-blake3-dev; imported by XetCore only.
        .systemLibrary(
            name: "CBLAKE3",
            path: "Sources/CBLAKE3",
            pkgConfig: "libblake3",
            providers: [.apt(["librust-blake3-dev"])]
        ),
        // Debian's liblz4 (frame format), imported by XetCore only.
        .systemLibrary(
            name: "CLZ4",
            path: "Sources/CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // Xet's objects and hashes (hub-docs docs/xet): keyed BLAKE3, the merkle tree, xorbs
        // decoded and verified chunk by chunk, shards parsed with every count bounded.
        .target(name: "XetCore", dependencies: ["HubCore", "CBLAKE3", "CLZ4"]),
        .target(name: "HubCore"),
        // glibc allocator tuning for the server process (see ServeCommand).
        .target(name: "CMallocTuning"),
        // Early disk writeback for large uploads (see HashingFileWriter).
        .target(name: "CFileWriteback"),
        .target(
            name: "HubStorage",
            dependencies: [
                "HubCore",
                "XetCore",
                "CFileWriteback",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // What the services ask of an index (accounts, orgs, repositories, LFS bindings, counters):
        // protocols and the values they return, no database.
        .target(name: "HubIndex", dependencies: ["HubCore", "XetCore"]),
        // The index on SQLite through GRDB, with its migrations (Migrations/sqlite/).
        .target(
            name: "HubSQLite",
            dependencies: [
                "HubCore",
                "HubIndex",
                "XetCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.process("Migrations")]
        ),
        // The index on PostgreSQL through postgres-nio, with its migrations (Migrations/postgres/).
        .target(
            name: "HubPostgres",
            dependencies: [
                "HubCore",
                "HubIndex",
                "XetCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.process("Migrations")]
        ),
        // LFS objects and Xet's xorbs in an S3-compatible bucket: SigV4 signing (swift-crypto) over
        // AsyncHTTPClient.
        .target(
            name: "HubS3",
            dependencies: [
                "HubCore",
                "HubStorage",
                "XetCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The upstream hub a pull-through mirror reads, over HTTP.
        .target(
            name: "HubUpstream",
            dependencies: [
                "HubCore",
                "HubServices",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "HubGit",
            dependencies: [
                "HubCore",
                "CLibGit2",
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        .target(
            name: "HubServices",
            dependencies: [
                "HubCore",
                "HubIndex",
                "HubGit",
                "HubStorage",
                "XetCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                // Also gives CardYAMLLimits its `import CYaml` (libyaml's parser events): Yams
                // exports no product for it.
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HF JSON API, git smart HTTP and the Git LFS API, over the request plumbing they share.
        .target(
            name: "HubHTTP",
            dependencies: [
                "HubCore",
                "HubServices",
                "XetCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Reads the API's OpenAPI document, written in YAML, to serve it as JSON.
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("OpenAPI/openapi.yaml")]
        ),
        // The web UI: the only target with templates (Mustache) and rendered cards (HubMarkdown).
        .target(
            name: "HubWeb",
            dependencies: [
                "HubCore",
                "HubServices",
                "HubHTTP",
                "HubMarkdown",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.process("Public")]
        ),
        // The composition root: the configuration, which stores and blob store the hub runs on,
        // and the application with every surface's routes.
        .target(
            name: "HubServer",
            dependencies: [
                "HubCore",
                "HubServices",
                "HubIndex",
                "HubSQLite",
                "HubPostgres",
                "HubStorage",
                "HubS3",
                "HubUpstream",
                "HubHTTP",
                "HubWeb",
                "HubMarkdown",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "modelhub",
            dependencies: [
                "CMallocTuning",
                "HubCore",
                "HubGit",
                "HubServices",
                "HubServer",
                "HubHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "HubTesting",
            dependencies: [
                "HubCore", "HubServices", "HubServer", "HubHTTP", "XetCore", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/HubTesting",
            resources: [.copy("XetFixtures")]
        ),
        .testTarget(name: "HubCoreTests", dependencies: ["HubCore"]),
        .testTarget(
            name: "XetCoreTests",
            dependencies: ["HubCore", "XetCore", "HubTesting", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "HubServerTests", dependencies: ["HubServer", "HubServices"]),
        .testTarget(name: "HubMarkdownTests", dependencies: ["HubMarkdown"]),
        .testTarget(
            name: "HubStorageTests",
            dependencies: [
                "HubCore", "HubStorage", "HubTesting", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HubS3Tests",
            dependencies: [
                "HubCore", "HubS3", "HubStorage", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HubPostgresTests",
            dependencies: [
                "HubCore", "HubIndex", "HubPostgres", "HubTesting", "XetCore", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "HubSQLiteTests", dependencies: ["HubCore", "HubIndex", "HubSQLite", "HubTesting"]),
        .testTarget(name: "HubGitTests", dependencies: ["HubCore", "HubGit", "HubTesting"]),
        .testTarget(
            name: "HubServicesTests",
            dependencies: [
                "HubCore", "HubGit", "HubServices", "HubIndex", "HubSQLite", "HubTesting", "XetCore",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HubHTTPTests",
            dependencies: [
                "HubCore", "HubHTTP", "HubServer", "HubServices", "HubTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "HubWebTests",
            dependencies: [
                "HubCore", "HubHTTP", "HubWeb", "HubServer", "HubServices", "HubTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
    ]
)
