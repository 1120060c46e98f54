// swift-tools-version:6.1
import PackageDescription

// Reads the same file with yaslab/CSV.swift and with the registry's own CSVReader (whose source files
// are linked in, so this package does not build the whole registry). Run:
//   swift run -c release --package-path Benchmarks/CSVReaders csv-readers FILE
let package = Package(
    name: "csv-readers",
    dependencies: [.package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2")],
    targets: [
        .executableTarget(
            name: "csv-readers",
            dependencies: [.product(name: "CSV", package: "CSV.swift")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        )
    ]
)
