import ArgumentParser
import Foundation
import Registry

/// Output formats for entity listings.
enum EntityListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, ndjson, geojson

    /// The library's record format, for all but the table.
    var recordFormat: RecordFormat? {
        switch self {
        case .table: return nil
        case .csv: return .csv
        case .json: return .json
        case .ndjson: return .ndjson
        case .geojson: return .geojson
        }
    }
}

/// Prints entities in the chosen format, streaming all but the table.
struct EntityPrinter {
    let format: EntityListFormat
    private var writer: RecordWriter?
    private var tableRows: [[String]] = []
    static let tableColumns = ["id", "kind", "name", "nip", "teryt", "city", "status"]

    init(format: EntityListFormat, extraColumns: [String] = []) throws {
        self.format = format
        let columns = EntityColumns.all + extraColumns
        switch format {
        case .table: writer = nil
        case .csv: writer = try RecordWriter(sink: .standardOutput(), format: .csv, columns: columns)
        case .json: writer = try RecordWriter(sink: .standardOutput(), format: .json, columns: columns)
        case .ndjson: writer = try RecordWriter(sink: .standardOutput(), format: .ndjson, columns: columns)
        case .geojson: writer = try RecordWriter(sink: .standardOutput(), format: .geojson, columns: columns)
        }
    }

    mutating func add(_ entity: Entity, extra: [JSONValue] = []) throws {
        if let writer {
            try writer.write(EntityColumns.values(entity) + extra)
        } else {
            let fields = entity.fields
            tableRows.append([String(entity.id.prefix(8)) + "…", fields.kind.rawValue, fields.name, fields.nip ?? "",
                              fields.teryt ?? "", fields.city ?? "", entity.status])
        }
    }

    func finish() throws {
        if let writer {
            try writer.finish()
        } else {
            Output.table(Self.tableColumns, tableRows)
        }
    }
}

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "List entities matching filters, now or as the registry stood on a past day.",
        discussion: """
            Filters combine with AND. Output is streamed (except the table), so any result size works.

              registry query --kind cis --kind kis --region 28
              registry query --region-name olsztyński --holds zakup-prospoleczny --format csv
              registry query --text "spółdz gastronom" --on 2025-12-31 --format json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Entity kind (repeatable).") var kind: [String] = []
    @Option(help: "TERYT prefix: 2 digits voivodeship, 4 county, 7 commune.") var region: String?
    @Option(name: .customLong("region-name"), help: "A voivodeship, county or commune name.") var regionName: String?
    @Option(help: "active (default), closed or all.") var status: EntityQuery.Status = .active
    @Option(help: "Holds a valid certificate of this scheme on --on (default today).") var holds: String?
    @Option(help: "PKD prefix, e.g. 56 or 56.29.") var pkd: String?
    @Option(name: .customLong("founded-from"), help: "Founded on or after.") var foundedFrom: String?
    @Option(name: .customLong("founded-to"), help: "Founded on or before.") var foundedTo: String?
    @Option(help: "Full-text words (prefixes, diacritics ignored).") var text: String?
    @Option(help: "Exact NIP.") var nip: String?
    @Option(help: "Exact REGON.") var regon: String?
    @Option(help: "Exact KRS.") var krs: String?
    @Option(help: "The registry's state on this day.") var on: String?
    @Option(help: "At most this many rows.") var limit: Int?
    @Option(help: "name (default), founded, kind or added.") var sort: EntityQuery.Sort = .name
    @Option(help: "table (default on a terminal), csv, json, ndjson or geojson.") var format: EntityListFormat?

    func run() throws {
        let registry = try database.openForReading()
        var query = EntityQuery()
        query.kinds = try kind.map(EntityKind.parse)
        query.region = region
        query.regionName = regionName
        query.status = status
        query.holds = holds
        query.pkd = pkd
        query.foundedFrom = try foundedFrom.map { try LocalDate.parse($0, field: "founded-from") }
        query.foundedTo = try foundedTo.map { try LocalDate.parse($0, field: "founded-to") }
        query.text = text
        query.nip = nip
        query.regon = regon
        query.krs = krs
        query.on = try on.map { try LocalDate.parse($0, field: "on") }
        query.limit = limit
        query.sort = sort
        let chosen = format ?? (isatty(1) == 1 ? .table : .csv)
        guard let recordFormat = chosen.recordFormat else {
            var printer = try EntityPrinter(format: chosen)
            try database.timed("query") { try registry.query(query) { try printer.add($0) } }
            try printer.finish()
            return
        }
        // Rows go straight from SQLite to the output; --timing reports writing them apart.
        let writer = try RecordWriter(sink: .standardOutput(), format: recordFormat, columns: EntityColumns.all)
        let clock = OutputClock(enabled: database.timing)
        try database.timed("query", output: clock) {
            try registry.queryRows(query) { row in try clock.measure { try writer.writeRow(of: row) } }
        }
        try writer.finish()
    }
}

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Full-text search over names, places, notes and certificate scopes, best matches first.",
        discussion: """
            Words match as prefixes and Polish diacritics are ignored both ways: lodz, Lodz and Łódź find \
            the same rows; spoldz finds Spółdzielnia.

              registry search "spoldz lodz"
              registry search catering --kind spoldzielnia-socjalna --region 28 --format json
            """
    )

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Words to find.") var text: String
    @Option(help: "Entity kind (repeatable).") var kind: [String] = []
    @Option(help: "TERYT prefix.") var region: String?
    @Option(help: "At most this many rows, best first (default 100; 0 for every match).") var limit = 100
    @Option(help: "table (default on a terminal), csv, json, ndjson or geojson.") var format: EntityListFormat?

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 (every match) or more") }
    }

    func run() throws {
        let registry = try database.openForReading()
        let limit: Int? = self.limit == 0 ? nil : self.limit
        var printer = try EntityPrinter(format: format ?? (isatty(1) == 1 ? .table : .csv), extraColumns: ["rank"])
        let kinds = try kind.map(EntityKind.parse)
        let clock = OutputClock(enabled: database.timing)
        try database.timed("search", output: clock) {
            try registry.search(text, kinds: kinds, region: region, limit: limit) { entity, rank in
                try clock.measure { try printer.add(entity, extra: [.double((rank * 1000).rounded() / 1000)]) }
            }
        }
        try printer.finish()
    }
}

struct SQLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run one read-only SQL statement (for analysts and auditors).",
        discussion: """
            The database is opened read-only; statements that write, ATTACH, change settings or load \
            extensions are refused with exit 65, as are functions that expose memory addresses or files \
            (fts3_tokenizer, fts5, readfile, writefile, edit, zipfile). Query the documented views \
            (v_entities, v_certificates, v_holders, v_resources, v_needs) rather than internal tables.

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
                                      memoryLimit: maxMemory << 20)
        let watchdog = startWatchdog()
        defer { watchdog.cancel() }
        let chosen = format ?? (isatty(1) == 1 ? .table : .csv)
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

extension EntityQuery.Status: ExpressibleByArgument {}
extension EntityQuery.Sort: ExpressibleByArgument {}
