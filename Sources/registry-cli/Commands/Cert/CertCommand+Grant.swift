import ArgumentParser
import Registry

extension CertCommand {
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
        @Option(name: .customLong("valid-from"), help: "First valid day.") var validFrom: DateArgument
        @Option(name: .customLong("valid-to"), help: "Last valid day (default: from the scheme).") var validTo: DateArgument?
        @OptionGroup var decision: DecisionOptions
        @Option(help: "Who issued it, e.g. \"ROPS Olsztyn\".") var issuer: String?
        @Option(help: "Products or services covered.") var scope: String?

        func validate() throws {
            try refusing {
                try validFrom.check("valid-from")
                try validTo?.check("valid-to")
            }
        }

        func run() throws {
            let registry = try global.open(.write)
            let certificate = try registry.grantCertificate(entity: entity, scheme: scheme, details: CertificateDetails(
                validFrom: try validFrom.date, validTo: try validTo?.date, decisionNo: decision.decision,
                decidedOn: try decision.decidedOn?.date, issuer: issuer, scope: scope))
            Output.line(certificate.id)
        }
    }
}
