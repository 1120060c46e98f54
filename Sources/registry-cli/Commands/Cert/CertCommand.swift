import ArgumentParser
import Registry

struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration.group(
        "cert", abstract: "Certificates and statuses: grant, renew, suspend, reinstate, revoke, correct; who held what when.",
        subcommands: [Grant.self, Event<Renew>.self, Event<Suspend>.self, Event<Reinstate>.self, Event<Revoke>.self,
                      Correct.self, History.self, Holders.self, Expiring.self])

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A certificate's timeline (or every certificate of an entity): valid and recorded times, actors.",
            discussion: """
                  registry cert history 7390000016
                  registry cert history 7390000016 --on 2025-06-30 --recorded-at 2025-07-05

                The events recorded by --recorded-at (default now); the state is the one on --on (default today).
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A certificate id, or an entity (id, NIP, REGON, KRS).") var reference: String
        @OptionGroup var time: TimeOptions
        @OptionGroup var output: TextOrJSONOption

        func run() throws {
            let registry = try database.openForReading()
            let histories = try registry.certificateHistory(reference, on: try time.day, recordedAt: try time.knownAt)
            output.print(json: { .array(histories.map(\.json)) }) {
                for history in histories { Self.print(history) }
            }
        }

        private static func print(_ history: CertificateHistory) {
            let certificate = history.certificate
            Output.line("\(certificate.id)  \(certificate.scheme)  valid \(certificate.validFrom?.description ?? "?") – "
                + "\(certificate.validTo?.description ?? "open-ended")  on \(certificate.stateDay): \(certificate.state.rawValue)")
            for event in history.events {
                var line = "  \(event.effectiveOn)  \(event.type.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0))"
                if let to = event.validTo { line += "  valid to \(to)" }
                // One line per event: a line break in a value must not start another.
                if let decision = event.decisionNo { line += "  decision \(TerminalText.escaped(decision))" }
                if let issuer = event.issuer { line += "  \(TerminalText.escaped(issuer))" }
                if let reason = event.reason { line += "  (\(TerminalText.escaped(reason)))" }
                line += "  recorded \(event.recordedAt) by \(TerminalText.escaped(event.actor))"
                if let corrects = event.corrects { line += "  supersedes \(corrects.prefix(8))…" }
                if history.superseded.contains(event.id) { line += "  [superseded]" }
                Output.line(line)
            }
        }
    }

    struct Holders: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who held a valid certificate of a scheme on a day, as the registry knew it at a time.",
            discussion: """
                Valid means granted or renewed, not suspended, not revoked and not expired on that day \
                (its first and last valid days included).

                  registry cert holders --scheme zakup-prospoleczny --on 2020-01-15
                  registry cert holders --scheme zakup-prospoleczny --on 2020-01-15 --recorded-at 2020-02-01T12:00Z
                """
        )
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The scheme code.") var scheme: String
        @OptionGroup var time: TimeOptions
        @OptionGroup var area: RegionOption
        @OptionGroup var list: ListFormatOption

        func run() throws {
            let registry = try database.openForReading()
            let (day, knownAt) = (try time.day, try time.knownAt)
            let holders = try database.timed("holders") {
                try registry.holders(scheme: scheme, on: day, recordedAt: knownAt, region: area.region)
            }
            list.print(holders.map(\.json), columns: Holder.columns)
        }
    }

    struct Expiring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certificates held today whose validity ends within some days.",
            discussion: "  registry cert expiring --within 60 --scheme zakup-prospoleczny")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Days ahead (default 30).") var within: Int = 30
        @Option(help: "Only this scheme.") var scheme: String?
        @OptionGroup var list: ListFormatOption

        func run() throws {
            let registry = try database.openForReading()
            list.print(try registry.expiring(within: within, scheme: scheme).map(\.json), columns: Holder.columns)
        }
    }
}
