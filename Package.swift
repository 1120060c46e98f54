// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "registry",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Registry", targets: ["Registry"]),
        .executable(name: "registry", targets: ["registry-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Turns Migrations/*.sql and Data/ into Swift source, so the binary works when copied alone.
        .executableTarget(name: "embed-resources", path: "Tools/embed-resources"),
        .plugin(
            name: "EmbedResources",
            capability: .buildTool(),
            dependencies: ["embed-resources"],
            path: "Plugins/EmbedResources"
        ),
        // The SQLite layer: connections, statements, values, transactions, migrations. Knows nothing of the registry.
        .target(
            name: "SQLiteStore",
            dependencies: [
                "CSQLite",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Registry",
            dependencies: [
                "CSQLite", "SQLiteStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedResources"]
        ),
        .executableTarget(
            name: "registry-cli",
            dependencies: [
                "Registry", "SQLiteStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SQLiteStoreTests",
            dependencies: ["SQLiteStore", "CSQLite"]
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "SQLiteStore", "CSQLite",
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["registry-cli"],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
