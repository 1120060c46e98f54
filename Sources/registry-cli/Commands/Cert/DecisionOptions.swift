import ArgumentParser
import Registry

/// The decision behind a certificate's grant or event: its number and date.
struct DecisionOptions: ParsableArguments {
    @Option(help: "Decision or licence number.") var decision: String?
    @Option(name: .customLong("decided-on"), help: "Date of the decision.") var decidedOn: DateArgument?

    func validate() throws {
        try refusing { try decidedOn?.check("decided-on") }
    }
}
