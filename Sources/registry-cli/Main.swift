import ArgumentParser
import Foundation
import Registry
import SQLiteStore

@main
enum Main {
    static func main() {
        // A file size limit (ulimit -f) then fails the write with EFBIG, reported as exit 74 with
        // nothing left behind, instead of killing the process half-way through a file.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try RegistryCommand.parseAsRoot()
            try command.run()
            Output.flush()
        } catch let error as RegistryError {
            fail(error)
        } catch let error as DatabaseError {
            // A read's failure in the SQLite layer, in the registry's words (writes map their own).
            fail(RegistryError(error))
        } catch {
            // Argument errors, --help and --version: swift-argument-parser prints them and exits 64/0.
            Output.flush()
            if let refusal = ArgumentRefusal.pending, RegistryCommand.exitCode(for: error) != .success {
                Output.error(refusal)
            }
            RegistryCommand.exit(withError: error)
        }
    }

    private static func fail(_ error: RegistryError) -> Never {
        Output.flush()
        Output.error(error)
        exit(ExitCodes.of(error))
    }
}

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "A registry of Polish social-economy entities (PES), their certifications, resources and needs.",
        discussion: """
            Every command takes --db PATH (default $REGISTRY_DB, else ./registry.sqlite) and --actor NAME \
            (default $REGISTRY_ACTOR, else your login name), which is recorded with every change.

            Exit codes: 0 ok, 64 usage, 65 invalid data, 66 input file or database missing, 70 internal error, \
            73 cannot create or write, 74 I/O error (disk full), 75 database busy past the timeout, \
            78 schema version mismatch (run `registry migrate`).
            """,
        version: RegistryVersion.current,
        subcommands: [
            InitCommand.self, MigrateCommand.self, EntityCommand.self, ImportCommand.self, TerytCommand.self,
            CertCommand.self, SchemeCommand.self, QueryCommand.self, SearchCommand.self, SQLCommand.self, ExportCommand.self,
            ResourceCommand.self, NeedCommand.self, MapCommand.self, ReportCommand.self, AuditCommand.self,
            CheckCommand.self, BackupCommand.self,
        ]
    )
}
