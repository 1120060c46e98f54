import ArgumentParser
import Registry

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check integrity, foreign keys, the audit chain and the registry's own rules.",
        discussion: """
            Exit 0 when every rule holds, 65 otherwise, listing each problem. Notices (such as CIS, KIS, \
            WTZ and ZAZ without a recorded operator) are listed but do not fail the check.

              registry check
            """
    )
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let registry = try database.openForReading()
        let report = try registry.check()
        // One line each: names in them are the registry's data, shown escaped.
        for notice in report.notices { Output.line("notice: " + TerminalText.escaped(notice)) }
        for problem in report.problems { Output.line("problem: " + TerminalText.escaped(problem)) }
        if !report.isHealthy {
            Output.flush()
            Output.message("registry: \(report.problems.count) problem(s) found")
            throw ExitCode(ExitCodes.dataError)
        }
        Output.line("ok: integrity, foreign keys, audit chain, versions, day ranges, certificate timelines and TERYT codes hold")
    }
}
