import ArgumentParser
import Registry

/// The events `cert renew`, `suspend`, `reinstate` and `revoke` record (grants and corrections
/// have commands of their own): one command, `CertCommand.Event`, serves them all.
enum RecordedEvent: String {
    case renew, suspend, reinstate, revoke

    var type: CertificateEventType {
        switch self {
        case .renew: return .renewed
        case .suspend: return .suspended
        case .reinstate: return .reinstated
        case .revoke: return .revoked
        }
    }

    var configuration: CommandConfiguration {
        let (abstract, example) = switch self {
        case .renew: ("Extend a certificate's validity.", "--date 2020-05-25 --valid-to 2021-05-31 --decision ZP/7/2020")
        case .suspend: ("Suspend a certificate from a day.", "--date 2020-01-10 --reason kontrola")
        case .reinstate: ("Lift a suspension from a day.", "--date 2020-02-01")
        case .revoke: ("Revoke a certificate from a day.", "--date 2020-03-01 --decision WO/3/2020")
        }
        return CommandConfiguration(
            commandName: rawValue, abstract: abstract, discussion: "  registry cert \(rawValue) 0191… \(example)")
    }
}

/// Names one `RecordedEvent` as a type, since each subcommand is a type of its own.
protocol RecordedEventKind {
    static var event: RecordedEvent { get }
}

extension CertCommand {
    /// `cert renew|suspend|reinstate|revoke`: the event given by `Kind`.
    struct Event<Kind: RecordedEventKind>: ParsableCommand {
        static var configuration: CommandConfiguration { Kind.event.configuration }

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The certificate id.") var certificate: String
        @Option(help: "The day the decision takes effect.") var date: DateArgument
        @Option(name: .customLong("valid-to"), help: "New end of validity (renewals).") var validTo: DateArgument?
        @OptionGroup var decision: DecisionOptions
        @Option(help: "Why (kept in history).") var reason: String?

        func validate() throws {
            try refusing {
                try date.check("date")
                try validTo?.check("valid-to")
            }
        }

        func run() throws {
            let registry = try global.open(.write)
            let type = Kind.event.type
            let details = CertificateDetails(
                validTo: try validTo?.date, decisionNo: decision.decision, decidedOn: try decision.decidedOn?.date, reason: reason)
            let certificate = try registry.recordCertificateEvent(self.certificate, type, on: try date.date, details: details)
            Output.message("\(type.rawValue) \(certificate.id) on \(date.text): \(certificate.state.rawValue), valid "
                + "\(certificate.validFrom?.description ?? "?") – \(certificate.validTo?.description ?? "open-ended")")
        }
    }

    enum Renew: RecordedEventKind { static let event = RecordedEvent.renew }
    enum Suspend: RecordedEventKind { static let event = RecordedEvent.suspend }
    enum Reinstate: RecordedEventKind { static let event = RecordedEvent.reinstate }
    enum Revoke: RecordedEventKind { static let event = RecordedEvent.revoke }
}
