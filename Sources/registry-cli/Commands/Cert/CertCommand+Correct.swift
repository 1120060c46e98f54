import ArgumentParser
import Registry

extension CertCommand {
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
        @Option(help: "Corrected effective day.") var date: DateArgument?
        @Option(name: .customLong("valid-from"), help: "Corrected first valid day (grants).") var validFrom: DateArgument?
        @Option(name: .customLong("valid-to"), help: "Corrected end of validity.") var validTo: DateArgument?
        @Option(help: "Corrected decision number.") var decision: String?
        @Option(name: .customLong("decided-on"), help: "Corrected decision date.") var decidedOn: DateArgument?
        @Option(help: "Corrected issuer.") var issuer: String?
        @Option(help: "Corrected scope.") var scope: String?
        @Option(help: "Why the record was wrong.") var reason: String?

        func validate() throws {
            try refusing {
                try date?.check("date")
                try validFrom?.check("valid-from")
                try validTo?.check("valid-to")
                try decidedOn?.check("decided-on")
            }
        }

        func run() throws {
            let registry = try global.open(.write)
            let certificate = try registry.correctCertificate(
                self.certificate, event: event, effectiveOn: try date?.date,
                details: CertificateDetails(
                    validFrom: try validFrom?.date, validTo: try validTo?.date, decisionNo: decision,
                    decidedOn: try decidedOn?.date, issuer: issuer, scope: scope, reason: reason))
            Output.message("corrected \(certificate.id): valid \(certificate.validFrom?.description ?? "?") – "
                + "\(certificate.validTo?.description ?? "open-ended")")
        }
    }
}
