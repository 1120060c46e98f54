import ArgumentParser
import Registry

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the registry (online, while others write) and verify it.",
        discussion: "  registry backup /srv/kopie/registry-2026-11-22.sqlite"
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy (must not exist).") var file: String

    func run() throws {
        let registry = try global.open(.read)
        let audit = try registry.backup(to: file)
        Output.message("backup written to \(file): integrity ok, audit log intact (\(audit.entries) entries, head \(audit.headHash))")
    }
}
