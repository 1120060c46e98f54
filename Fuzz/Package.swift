// swift-tools-version:5.4
// libFuzzer targets for the registry's parsers. A separate package, so `swift build` of the
// registry never builds them; see README.md for how to build and run.
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point to
// `<module>_main` and links `main` to it, which leaves no room for libFuzzer's own `main`.
import PackageDescription

let package = Package(
    name: "registry-fuzz",
    platforms: [.macOS("13.0")],
    dependencies: [
        .package(name: "registry", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "fuzz-csv",
            dependencies: [.product(name: "Registry", package: "registry")]
        ),
        .executableTarget(
            name: "fuzz-validators",
            dependencies: [.product(name: "Registry", package: "registry")]
        ),
    ]
)
