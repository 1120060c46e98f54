import Foundation
import PackagePlugin

/// Embeds the migrations and the bundled TERYT dictionary into the Registry module as Swift source,
/// because SwiftPM resource bundles are looked up next to the executable and would be missing when
/// `registry` is copied alone to another machine.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let files = try ["Migrations", "Data/teryt"].flatMap { folder in
            try listFiles(in: root.appending(path: folder))
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) resource files",
                executable: try context.tool(named: "embed-resources").url,
                arguments: [output.path(percentEncoded: false), root.path(percentEncoded: false)]
                    + files.map { $0.path(percentEncoded: false) },
                inputFiles: files,
                outputFiles: [output]
            )
        ]
    }

    private func listFiles(in folder: URL) throws -> [URL] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path(percentEncoded: false))
        return names.filter { $0.hasSuffix(".sql") || $0.hasSuffix(".csv") }
            .sorted()
            .map { folder.appending(path: $0) }
    }
}
