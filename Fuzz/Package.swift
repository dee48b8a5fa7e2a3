// swift-tools-version:6.2
// The libFuzzer targets for modelhub's request parsers, in their own package so that the
// project's `swift build --build-tests` never builds them: they need the whole dependency graph
// compiled again with sanitizers. Build and run them with `Fuzz/run` (see Fuzz/README.md).
import Foundation
import PackageDescription

// A path dependency is named after its folder, which is whatever the checkout was cloned as.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let modelhub = root.lastPathComponent.lowercased()

let package = Package(
    name: "modelhub-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "ModelHubFuzz",
            dependencies: [
                .product(name: "HubCore", package: modelhub),
                .product(name: "HubServices", package: modelhub),
                .product(name: "HubHTTP", package: modelhub),
                .product(name: "HubWeb", package: modelhub),
                .product(name: "XetCore", package: modelhub),
            ]
        ),
    ]
)
