import ArgumentParser
import Registry

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new registry file (or bring an existing one up to date).",
        discussion: """
            Creates the SQLite file (mode 0600), applies every migration and seeds the TERYT dictionary \
            from the bundled GUS TERC edition.

              registry init --db mazowsze.sqlite
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let report = try Registry.migrate(at: global.databasePath, actor: global.actorName, create: global.mayCreate)
        if report.created { Output.message("created a new registry at \(global.databasePath)") }
        if let backup = report.backupPath { Output.message("backup written to \(backup)") }
        if report.applied.isEmpty {
            Output.message("\(global.databasePath) is up to date (schema version \(report.toVersion))")
        } else {
            Output.message("\(global.databasePath) ready (schema version \(report.toVersion))")
        }
    }
}
