import ArgumentParser
import Foundation
import Registry

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement (for analysts and auditors).",
        discussion: """
            The database is opened read-only; statements that write, ATTACH, change settings or load \
            extensions are refused with exit 65, as are functions that expose memory addresses or files \
            (fts3_tokenizer, fts5, readfile, writefile, edit, zipfile). Query the documented views \
            (v_entities, v_certificates, v_holders, v_resources, v_needs) rather than internal tables. \
            v_entities is the world on --on (default today) as the registry knew it at --recorded-at \
            (default now); with --recorded-at, v_entity_history and v_certificate_events hold what was \
            recorded by then.

            A statement is stopped with exit 65 when it runs longer than --timeout seconds (default 30, \
            counted from its first step to its last row) or when SQLite needs more than --max-memory MB \
            for it (default 256). Rows printed before the stop stay printed. A single function call that \
            runs on past the time limit (SQLite cannot interrupt it) ends the command 2 s later, with \
            the same message and exit code.

            The table streams: its column widths come from the header and the first 1,000 rows, and a \
            later, longer value overflows its column. Control characters in values are shown escaped \
            (\\n, \\x1b); CSV and JSON keep values exact.

              registry sql "SELECT kind, count(*) AS n FROM v_entities GROUP BY kind ORDER BY n DESC"
              registry sql --timeout 300 --max-memory 1024 --format csv "SELECT * FROM v_holders"
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "One SELECT statement.") var sql: String
    @OptionGroup var time: TimeOptions
    @Option(help: "table (default on a terminal), csv, json or ndjson.") var format: EntityListFormat?
    @Option(help: "Stop the statement after this many seconds (default 30).") var timeout: Double = 30
    @Option(name: .customLong("max-memory"), help: "Stop the statement when SQLite needs more than this many MB (default 256).")
    var maxMemory = 256

    /// Bounds that keep the limits representable (a Duration, a byte count).
    static let maximumTimeout: Double = 1_000_000
    static let maximumMemory = 1 << 20

    func validate() throws {
        guard timeout > 0, timeout <= Self.maximumTimeout else {
            throw ValidationError("--timeout must be more than 0 and at most \(Int(Self.maximumTimeout)) seconds")
        }
        guard maxMemory > 0, maxMemory <= Self.maximumMemory else {
            throw ValidationError("--max-memory must be more than 0 and at most \(Self.maximumMemory) MB")
        }
    }

    func run() throws {
        do {
            try runQuery()
        } catch let RegistryError.limitExceeded(limit, value, message) where limit == "time" || limit == "memory" {
            let option = limit == "time" ? "--timeout" : "--max-memory"
            throw RegistryError.limitExceeded(limit: limit, value: value, message: message + "; narrow it or raise \(option)")
        }
    }

    /// The message and exit of a run that the time limit could not stop from inside SQLite.
    private func startWatchdog() -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        let message = "registry: error: " + RegistryError.limitExceeded(
            limit: "time", value: timeout == timeout.rounded() ? "\(Int(timeout)) s" : "\(timeout) s",
            message: "the statement ran longer than its time limit allows; narrow it or raise --timeout").description + "\n"
        timer.schedule(deadline: .now() + timeout + Self.watchdogGrace)
        timer.setEventHandler {
            // Another thread: nothing shared is touched, the process just ends as the limit says.
            _ = message.withCString { write(2, $0, strlen($0)) }
            _exit(ExitCodes.dataError)
        }
        timer.resume()
        return timer
    }

    /// How long after --timeout a statement SQLite cannot interrupt is ended by the watchdog.
    static let watchdogGrace: Double = 2

    private func runQuery() throws {
        try DatabaseOptions.refuseRedirectedOutput(databasePath: database.databasePath)
        let query = try ReadOnlyQuery(path: database.databasePath, sql: sql, timeLimit: .seconds(timeout),
                                      memoryLimit: maxMemory << 20, on: try time.day, recordedAt: try time.knownAt)
        let watchdog = startWatchdog()
        defer { watchdog.cancel() }
        let chosen = format ?? .forStandardOutput
        if chosen == .table {
            var table = Output.StreamingTable(header: query.columns)
            try query.forEachRow { values in table.add(values.map { $0.text ?? "" }) }
            table.finish()
            return
        }
        let recordFormat: RecordFormat
        switch chosen {
        case .csv: recordFormat = .csv
        case .json: recordFormat = .json
        case .ndjson: recordFormat = .ndjson
        case .geojson, .table: recordFormat = .geojson
        }
        let writer = try RecordWriter(sink: .standardOutput(), format: recordFormat, columns: query.columns)
        try query.forEachRow { values in try writer.write(values.map(\.json)) }
        try writer.finish()
    }
}
