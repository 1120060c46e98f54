import Foundation
import PackagePlugin

/// Embeds the migrations and the bundled TERYT dictionary into the Registry module as Swift source,
/// because SwiftPM resource bundles are looked up next to the executable and would be missing when
/// `registry` is copied alone to another machine.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folders = ["Migrations", "Data/teryt"].map { root.appending(path: $0) }
        let files = try folders.flatMap(listFiles)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        // The tool lists the folders itself when it runs, and the folders are inputs too, so adding a
        // migration re-runs it even when this plugin's command list is reused from an earlier build.
        return [
            .buildCommand(
                displayName: "Embedding migrations and data",
                executable: try context.tool(named: "embed-resources").url,
                arguments: [output.path(percentEncoded: false), root.path(percentEncoded: false)]
                    + folders.map { $0.path(percentEncoded: false) },
                inputFiles: folders + files,
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
