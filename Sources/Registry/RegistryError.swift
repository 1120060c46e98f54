/// Every failure the library reports; each case carries what a person needs to fix the input.
public enum RegistryError: Error, Equatable, Sendable {
    /// A value broke a validation rule, e.g. `nip "5425000802": checksum digit should be 1`.
    case invalidValue(field: String, value: String, rule: String)
    /// A record of an input file is malformed or holds an invalid value.
    case invalidRecord(RecordProblem)
    /// An input file could not be read as CSV at all (before any record could be imported).
    case malformedFile(path: String, line: Int, message: String)
    /// A command's arguments do not fit together.
    case usage(String)
    /// A period whose first day comes after its last.
    case invalidPeriod(from: LocalDate, to: LocalDate)
    /// A region finer than the level counted per unit (a county's map can list its communes, not its voivodeship).
    case regionFinerThanLevel(region: String, level: MapLevel)
    /// A column of an input file mapped to a field the imported kind does not have.
    case unknownField(field: String, column: String, target: ImportTarget, fields: [String])
    /// A reference (entity id, NIP, certificate id, scheme code, TERYT code…) resolves to nothing.
    case notFound(kind: String, reference: String)
    /// A reference matches more than one object; `candidates` lists them for the user to choose.
    case ambiguous(kind: String, reference: String, candidates: [String])
    /// The change would break a uniqueness rule, e.g. a NIP already held by another entity.
    case conflict(field: String, value: String, existing: String)
    /// A certificate event is not allowed in the certificate's current state.
    case invalidTransition(certificate: String, state: String, event: String, reason: String)
    /// The statement given to `registry sql` would write or escape the database.
    case notReadOnly(sql: String, reason: String)
    /// A file or database that must exist does not.
    case fileNotFound(path: String)
    /// The path given as the registry is a folder, a pipe, a socket or a device, or may not be read.
    case cannotOpen(path: String, reason: String)
    /// A file or database could not be created or written.
    case cannotCreate(path: String, reason: String)
    /// Another process held the database longer than the busy timeout.
    case busy(message: String)
    /// The database schema is older than this binary; `registry migrate` upgrades it.
    case schemaBehind(current: Int, latest: Int)
    /// The database was migrated by a newer binary than this one.
    case schemaNewer(current: Int, latest: Int)
    /// An applied migration differs from the file this binary ships.
    case migrationChanged(version: Int, name: String, recorded: String, shipped: String)
    /// The audit log's hash chain or the registry's invariants do not hold.
    case integrity([String])
    /// SQLite reported an error this library did not expect.
    case sqlite(code: Int32, extendedCode: Int32, message: String, sql: String?)
    /// A disk or I/O failure (disk full, read-only file system).
    case io(path: String, message: String)
    /// A statement ran into a limit the registry sets (`registry sql`'s time or memory limit).
    case limitExceeded(limit: String, value: String, message: String)
}

/// Where a problem in an input file is, and what is wrong with it.
public struct RecordProblem: Error, Equatable, Sendable, Codable {
    /// 1 is the first data record (the header is record 0).
    public var record: Int
    /// Physical line where the record starts (1-based).
    public var line: Int
    /// The column (as written in the file's header), when the problem is in one field.
    public var column: String?
    /// The offending value, when there is one.
    public var value: String?
    /// What rule was broken.
    public var message: String

    public init(record: Int, line: Int, column: String? = nil, value: String? = nil, message: String) {
        self.record = record
        self.line = line
        self.column = column
        self.value = value
        self.message = message
    }
}

extension RecordProblem: CustomStringConvertible {
    public var description: String {
        var text = "record \(record) (line \(line))"
        if let column { text += ", column \(column)" }
        if let value { text += " \(RegistryError.quoted(value))" }
        return text + ": " + message
    }
}

extension RegistryError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .invalidValue(field, value, rule):
            return "\(field) \(Self.quoted(value)): \(rule)"
        case let .invalidRecord(problem):
            return problem.description
        case let .malformedFile(path, line, message):
            return "\(path), line \(line): \(message)"
        case let .usage(message):
            return message
        case let .invalidPeriod(from, to):
            return "the period from \(from) to \(to) starts after it ends"
        case let .regionFinerThanLevel(region, level):
            return "region \(region) is finer than the \(level.rawValue) level"
        case let .unknownField(field, column, target, fields):
            return "column \(Self.quoted(column)) is mapped to \(field), which is not a field of \(target.rawValue); fields: "
                + fields.joined(separator: ", ")
        case let .notFound(kind, reference):
            return "no \(kind) matches \(Self.quoted(reference))"
        case let .ambiguous(kind, reference, candidates):
            return "\(Self.quoted(reference)) matches \(candidates.count) \(kind)s: " + candidates.joined(separator: "; ")
        case let .conflict(field, value, existing):
            return "\(field) \(Self.quoted(value)) is already held by \(existing)"
        case let .invalidTransition(certificate, state, event, reason):
            return "certificate \(certificate) is \(state): cannot record \(event): \(reason)"
        case let .notReadOnly(_, reason):
            return "refused: \(reason); registry sql runs read-only statements only"
        case let .fileNotFound(path):
            return "\(path): no such file"
        case let .cannotOpen(path, reason):
            return "\(path): \(reason)"
        case let .cannotCreate(path, reason):
            return "\(path): cannot create: \(reason)"
        case let .busy(message):
            return "database is busy (another process is writing): \(message)"
        case let .schemaBehind(current, latest):
            return "database schema is at version \(current), this registry needs \(latest): run `registry migrate`"
        case let .schemaNewer(current, latest):
            return "database schema is at version \(current), newer than this registry knows (\(latest)): use a newer registry binary"
        case let .migrationChanged(version, name, recorded, shipped):
            return "migration \(version) (\(name)) was applied with checksum \(recorded.prefix(12))… but this binary ships \(shipped.prefix(12))…: refusing to touch the database"
        case let .integrity(problems):
            return "integrity check failed: " + problems.joined(separator: "; ")
        case let .sqlite(code, extendedCode, message, sql):
            var text = "SQLite error \(code) (extended \(extendedCode)): \(message)"
            if let sql { text += " in: \(sql)" }
            return text
        case let .io(path, message):
            return "\(path): \(message)"
        case let .limitExceeded(limit, value, message):
            return "stopped at the \(limit) limit (\(value)): \(message)"
        }
    }

    static func quoted(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars.prefix(200) {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\0": escaped += "\\0"
            // Other control characters (ESC, BEL, DEL, C1, bidi overrides) would act on the terminal.
            case _ where TerminalText.isControl(scalar): escaped += TerminalText.escape(scalar)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        if value.unicodeScalars.count > 200 { escaped += "…" }
        return escaped + "\""
    }
}
