import ArgumentParser
import Registry

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "audit", abstract: "The hash-chained log of every change.",
        subcommands: [Log.self, Verify.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit entries.",
            discussion: """
                  registry audit log --entity 5260250274 --format json
                  registry audit log --since 2026-01-01 --actor anna
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only changes to this entity (id, NIP, REGON or KRS) and its certificates.") var entity: String?
        @Option(help: "Only entries recorded at or after this date or UTC time.") var since: String?
        @Option(help: "Only entries by this actor.") var actor: String?
        @OptionGroup var output: TextOrJSONOption

        func validate() throws {
            try refusing { _ = try sinceStamp }
        }

        private var sinceStamp: String? {
            get throws { try since.map { try Timestamp.parse($0, field: "since", day: .start) } }
        }

        func run() throws {
            let registry = try database.openForReading()
            let objectID = try entity.map { try registry.resolveEntity($0) }
            let entries = try registry.auditEntries(AuditFilter(objectID: objectID, since: try sinceStamp, actor: actor))
            output.print(json: { .array(entries.map(\.json)) }) {
                Output.table(["seq", "recorded_at", "actor", "action", "object"], entries.map {
                    [String($0.seq), $0.recordedAt, $0.actor, $0.action, $0.objectID ?? ""]
                })
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit chain; exit 65 naming the first entry that does not match.",
            discussion: "Prints the head hash: keep it, and a later truncation of the log can be detected too."
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let registry = try global.open(.read)
            let result = try registry.verifyAudit()
            if let seq = result.firstBadSeq {
                throw RegistryError.integrity(["audit entry \(seq): \(result.problem ?? "does not match")"])
            }
            Output.line("audit log intact: \(result.entries) entries, head \(result.headHash)")
        }
    }
}
