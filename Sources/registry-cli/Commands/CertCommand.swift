import ArgumentParser
import Registry

struct CertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cert",
        abstract: "Certificates and statuses: grant, renew, suspend, reinstate, revoke, correct; who held what when.",
        subcommands: [Grant.self, Renew.self, Suspend.self, Reinstate.self, Revoke.self, Correct.self, History.self,
                      Holders.self, Expiring.self]
    )

    /// Options every event command shares.
    struct EventOptions: ParsableArguments {
        @Argument(help: "The certificate id.") var certificate: String
        @Option(help: "The day the decision takes effect.") var date: String
        @Option(name: .customLong("valid-to"), help: "New end of validity (renewals).") var validTo: String?
        @Option(help: "Decision or licence number.") var decision: String?
        @Option(name: .customLong("decided-on"), help: "Date of the decision.") var decidedOn: String?
        @Option(help: "Why (kept in history).") var reason: String?

        func details() throws -> CertificateDetails {
            CertificateDetails(
                validTo: try validTo.map { try LocalDate.parse($0, field: "valid-to") }, decisionNo: decision,
                decidedOn: try decidedOn.map { try LocalDate.parse($0, field: "decided-on") }, reason: reason)
        }
    }

    static func record(_ type: CertificateEventType, _ global: GlobalOptions, _ options: EventOptions) throws {
        let registry = try global.open(.write)
        let certificate = try registry.recordCertificateEvent(
            options.certificate, type, on: try LocalDate.parse(options.date, field: "date"), details: try options.details())
        Output.message("\(type.rawValue) \(certificate.id) on \(options.date): \(certificate.state.rawValue), valid "
            + "\(certificate.validFrom?.description ?? "?") – \(certificate.validTo?.description ?? "open-ended")")
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a certificate to an entity and print its id.",
            discussion: """
                When the scheme has a default validity and --valid-to is missing, it is derived: \
                zakup-prospoleczny from 2019-06-01 is valid to 2020-05-31.

                  registry cert grant 7390000016 --scheme zakup-prospoleczny --valid-from 2019-06-01 \\
                      --decision "ZP/12/2019" --decided-on 2019-05-20 --issuer "ROPS Olsztyn" --scope "catering"
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The entity: its id, NIP, REGON or KRS.") var entity: String
        @Option(help: "The scheme code (see `registry scheme list`).") var scheme: String
        @Option(name: .customLong("valid-from"), help: "First valid day.") var validFrom: String
        @Option(name: .customLong("valid-to"), help: "Last valid day (default: from the scheme).") var validTo: String?
        @Option(help: "Decision or licence number.") var decision: String?
        @Option(name: .customLong("decided-on"), help: "Date of the decision.") var decidedOn: String?
        @Option(help: "Who issued it, e.g. \"ROPS Olsztyn\".") var issuer: String?
        @Option(help: "Products or services covered.") var scope: String?

        func run() throws {
            let registry = try global.open(.write)
            let certificate = try registry.grantCertificate(entity: entity, scheme: scheme, details: CertificateDetails(
                validFrom: try LocalDate.parse(validFrom, field: "valid-from"),
                validTo: try validTo.map { try LocalDate.parse($0, field: "valid-to") }, decisionNo: decision,
                decidedOn: try decidedOn.map { try LocalDate.parse($0, field: "decided-on") }, issuer: issuer, scope: scope))
            Output.line(certificate.id)
        }
    }

    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extend a certificate's validity.",
            discussion: "  registry cert renew 0191… --date 2020-05-25 --valid-to 2021-05-31 --decision ZP/7/2020")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: EventOptions
        func run() throws { try CertCommand.record(.renewed, global, options) }
    }

    struct Suspend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a certificate from a day.", discussion: "  registry cert suspend 0191… --date 2020-01-10 --reason kontrola")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: EventOptions
        func run() throws { try CertCommand.record(.suspended, global, options) }
    }

    struct Reinstate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lift a suspension from a day.", discussion: "  registry cert reinstate 0191… --date 2020-02-01")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: EventOptions
        func run() throws { try CertCommand.record(.reinstated, global, options) }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate from a day.", discussion: "  registry cert revoke 0191… --date 2020-03-01 --decision WO/3/2020")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: EventOptions
        func run() throws { try CertCommand.record(.revoked, global, options) }
    }

    struct Correct: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a wrongly recorded event; the old record stays visible to history queries.",
            discussion: """
                Corrects the latest event unless --event names another. Only the given fields change.

                  registry cert correct 0191… --valid-to 2020-06-30 --reason "błąd w dacie decyzji"
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate id.") var certificate: String
        @Option(help: "The event to correct (default: the latest).") var event: String?
        @Option(help: "Corrected effective day.") var date: String?
        @Option(name: .customLong("valid-from"), help: "Corrected first valid day (grants).") var validFrom: String?
        @Option(name: .customLong("valid-to"), help: "Corrected end of validity.") var validTo: String?
        @Option(help: "Corrected decision number.") var decision: String?
        @Option(name: .customLong("decided-on"), help: "Corrected decision date.") var decidedOn: String?
        @Option(help: "Corrected issuer.") var issuer: String?
        @Option(help: "Corrected scope.") var scope: String?
        @Option(help: "Why the record was wrong.") var reason: String?

        func run() throws {
            let registry = try global.open(.write)
            let certificate = try registry.correctCertificate(
                self.certificate, event: event, effectiveOn: try date.map { try LocalDate.parse($0, field: "date") },
                details: CertificateDetails(
                    validFrom: try validFrom.map { try LocalDate.parse($0, field: "valid-from") },
                    validTo: try validTo.map { try LocalDate.parse($0, field: "valid-to") }, decisionNo: decision,
                    decidedOn: try decidedOn.map { try LocalDate.parse($0, field: "decided-on") }, issuer: issuer,
                    scope: scope, reason: reason))
            Output.message("corrected \(certificate.id): valid \(certificate.validFrom?.description ?? "?") – "
                + "\(certificate.validTo?.description ?? "open-ended")")
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A certificate's timeline (or every certificate of an entity): valid and recorded times, actors.",
            discussion: "  registry cert history 7390000016")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "A certificate id, or an entity (id, NIP, REGON, KRS).") var reference: String
        @Option(help: "text or json.") var format: TextOrJSON = .text

        func run() throws {
            let registry = try database.openForReading()
            let histories = try registry.certificateHistory(reference)
            if format == .json {
                Output.line(JSONValue.array(histories.map(\.json)).pretty)
                return
            }
            for history in histories {
                let certificate = history.certificate
                Output.line("\(certificate.id)  \(certificate.scheme)  valid \(certificate.validFrom?.description ?? "?") – "
                    + "\(certificate.validTo?.description ?? "open-ended")  today: \(certificate.state.rawValue)")
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
        @Option(help: "The day (default today).") var on: String?
        @Option(name: .customLong("recorded-at"), help: "As the registry knew it then: a date (end of day) or a UTC time.") var recordedAt: String?
        @Option(help: "TERYT prefix of the holders' communes.") var region: String?
        @Option(help: "table, csv or json.") var format: ListFormat = .table

        func run() throws {
            let registry = try database.openForReading()
            let day = try on.map { try LocalDate.parse($0, field: "on") }
            let knownAt = try recordedAt.map { try Timestamp.parse($0, field: "recorded-at") }
            let holders = try database.timed("holders") {
                try registry.holders(scheme: scheme, on: day, recordedAt: knownAt, region: region)
            }
            Output.rows(holders.map(\.json), columns: Holder.columns, format: format)
        }
    }

    struct Expiring: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Certificates held today whose validity ends within some days.",
            discussion: "  registry cert expiring --within 60 --scheme zakup-prospoleczny")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Days ahead (default 30).") var within: Int = 30
        @Option(help: "Only this scheme.") var scheme: String?
        @Option(help: "table, csv or json.") var format: ListFormat = .table

        func run() throws {
            let registry = try database.openForReading()
            Output.rows(try registry.expiring(within: within, scheme: scheme).map(\.json), columns: Holder.columns, format: format)
        }
    }
}

struct SchemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheme",
        abstract: "Certification schemes and statuses.",
        subcommands: [List.self, Add.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the schemes.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "table, csv or json.") var format: ListFormat = .table

        func run() throws {
            let registry = try database.openForReading()
            Output.rows(try registry.schemes().map(\.json), columns: [
                "code", "name", "issuer_type", "default_validity_months", "scoped", "eligible_kinds",
            ], format: format)
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a scheme.",
            discussion: """
                  registry scheme add lokalny-znak --name "Lokalny znak jakości" --issuer-type "starosta" \\
                      --validity-months 24 --kind spoldzielnia-socjalna --kind cis
                """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The code (lower case, dashes).") var code: String
        @Option(help: "Full name.") var name: String
        @Option(name: .customLong("issuer-type"), help: "Who issues it.") var issuerType: String
        @Option(name: .customLong("validity-months"), help: "Default validity (omit for open-ended).") var validityMonths: Int?
        @Flag(help: "Certificates name the products or services they cover.") var scoped = false
        @Option(help: "An eligible entity kind (repeatable).") var kind: [String] = []
        @Option(help: "A description.") var description: String?

        func run() throws {
            let registry = try global.open(.write)
            try registry.addScheme(Scheme(
                code: code, name: name, issuerType: issuerType, defaultValidityMonths: validityMonths, scoped: scoped,
                eligibleKinds: try kind.map(EntityKind.parse), description: description))
            Output.message("added scheme \(code)")
        }
    }
}
