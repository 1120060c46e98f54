import ArgumentParser
import Registry
import SQLiteStore

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade the registry's schema to what this binary ships, or show its status.",
        discussion: """
            Before a database that holds data is upgraded, a consistent copy is written next to it as \
            <db>.v<N>-<UTC time>.bak. A database whose applied migrations differ from the shipped files, \
            or that is newer than this binary, is refused and left unchanged.

              registry migrate --status
              registry migrate
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "List applied and pending migrations without changing anything.")
    var status = false

    @Option(help: "Migrate only up to this version.")
    var to: Int?

    @Option(help: "Output format for --status: text or json.")
    var format: TextOrJSON = .text

    func run() throws {
        if status {
            let status = try Registry.migrationStatus(at: global.databasePath)
            if format == .json {
                let applied: [JSONValue] = status.applied.map {
                    .object(["version": .int($0.version), "name": .string($0.name), "checksum": .string($0.checksum),
                             "applied_at": .string($0.appliedAt), "state": .string("applied")])
                }
                let pending: [JSONValue] = status.pending.map {
                    .object(["version": .int($0.version), "name": .string($0.name), "checksum": .string($0.checksum),
                             "applied_at": .null, "state": .string("pending")])
                }
                Output.line(JSONValue.array(applied + pending).pretty)
            } else {
                let rows = status.applied.map { [String($0.version), $0.name, "applied", $0.appliedAt] }
                    + status.pending.map { [String($0.version), $0.name, "pending", ""] }
                Output.table(["version", "name", "state", "applied_at"], rows)
            }
            return
        }
        let report = try Registry.migrate(at: global.databasePath, actor: global.actorName, upTo: to, create: global.mayCreate)
        if report.created { Output.message("created a new registry at \(global.databasePath)") }
        if let backup = report.backupPath { Output.message("backup written to \(backup)") }
        for migration in report.applied {
            Output.message("applied \(String(format: "%04d", migration.version))_\(migration.name)")
        }
        Output.message(report.applied.isEmpty
            ? "\(global.databasePath) is up to date (schema version \(report.toVersion))"
            : "\(global.databasePath) migrated from version \(report.fromVersion) to \(report.toVersion)")
    }
}
