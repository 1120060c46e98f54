import Foundation
@testable import Registry
import SQLiteStore

/// A temporary folder removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "registry-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = file(name)
        precondition(FileManager.default.createFile(atPath: file, contents: Data(text.utf8)), "cannot write the fixture \(file)")
        return file
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = file(name)
        precondition(FileManager.default.createFile(atPath: file, contents: Data(bytes)), "cannot write the fixture \(file)")
        return file
    }
}

/// A clock tests move by hand, so recorded times are known exactly.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Date

    init(_ iso: String = "2026-01-15T10:00:00Z") {
        now = ISO8601DateFormatter().date(from: iso) ?? Date(timeIntervalSince1970: 0)
    }

    func set(_ iso: String) {
        lock.withLock { now = ISO8601DateFormatter().date(from: iso) ?? now }
    }

    func advance(seconds: TimeInterval) {
        lock.withLock { now = now.addingTimeInterval(seconds) }
    }

    var clock: Clock {
        Clock { [self] in lock.withLock { now } }
    }
}

/// A new, migrated registry in a temporary folder.
struct TestRegistry {
    let directory = TemporaryDirectory()
    let clock: ManualClock
    let registry: Registry
    var path: String { directory.file("registry.sqlite") }

    /// `start` is when the registry is created; recorded times never go back behind it.
    init(actor: String = "tester", start: String = "2026-01-15T10:00:00Z") throws {
        clock = ManualClock(start)
        let path = directory.file("registry.sqlite")
        registry = try Registry.open(at: path, actor: actor, access: .writeOrCreate, clock: clock.clock)
    }

    /// Another connection to the same file, as another user.
    func reopen(actor: String = "tester", access: Registry.Access = .write) throws -> Registry {
        try Registry.open(at: path, actor: actor, access: access, clock: clock.clock)
    }
}

/// Valid identifiers computed with the official weights, for tests that need many distinct ones.
enum Generated {
    static func nip(_ seed: Int) -> String {
        let weights = [6, 5, 7, 2, 3, 4, 5, 6, 7]
        var n = seed
        while true {
            let body = String(format: "%09d", 100_000_000 + (n % 800_000_000))
            let digits = body.compactMap { $0.wholeNumberValue }
            let check = zip(digits, weights).map(*).reduce(0, +) % 11
            if check != 10 { return body + String(check) }
            n += 1
        }
    }

    static func regon9(_ seed: Int) -> String {
        let weights = [8, 9, 2, 3, 4, 5, 6, 7]
        let body = String(format: "%08d", 10_000_000 + (seed % 80_000_000))
        let digits = body.compactMap { $0.wholeNumberValue }
        let check = zip(digits, weights).map(*).reduce(0, +) % 11
        return body + String(check == 10 ? 0 : check)
    }

    static func krs(_ seed: Int) -> String {
        String(format: "%010d", 100_000 + seed)
    }

    /// An entity file of `rows` foundations with long notes, past the size from which an import
    /// takes its large-file paths (9,000 rows make about 18 MB); `bad` rows get an invalid NIP.
    static func largeEntityFile(in directory: TemporaryDirectory, rows: Int = 9_000, bad: Set<Int> = []) -> String {
        let header = "Nazwa;Forma prawna;NIP;Miejscowość;TERYT gminy;Uwagi"
        let note = String(repeating: "x", count: 2_000)
        let lines = (0..<rows).map { n in
            "Fundacja \(n);Fundacja;\(bad.contains(n) ? "1234567890" : nip(n * 3 + 2));Żórawina;2862011;\(note)"
        }
        return directory.write("large.csv", ([header] + lines).joined(separator: "\n") + "\n")
    }
}

extension Database {
    /// SQLite's message refusing `sql` with foreign keys off, so that only a trigger can refuse it;
    /// nil when the statement ran. Foreign keys are on again afterwards.
    func refusalWithoutForeignKeys(_ sql: String) throws -> String? {
        try execute("PRAGMA foreign_keys = OFF")
        defer { try? execute("PRAGMA foreign_keys = ON") }
        guard try scalarInt("PRAGMA foreign_keys") == 0 else {
            throw RegistryError.usage("foreign keys stayed on (inside a transaction?)")
        }
        do {
            try execute(sql)
            return nil
        } catch let DatabaseError.sqlite(_, _, message, _) {
            return message
        }
    }

    /// Every table's rows as text (the full-text index's shadow tables included), to compare content
    /// before and after an operation.
    func dump() throws -> [String: [String]] {
        let tables = try rows(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'entity_search' ORDER BY name"
        ) { $0.text(at: 0) ?? "" }
        var result: [String: [String]] = [:]
        for table in tables {
            let statement = try prepare("SELECT * FROM \"\(table)\" ORDER BY 1, 2")
            result[table] = try statement.map { row in
                (0..<row.columnCount).map { row.value(at: $0).text ?? "NULL" }.joined(separator: "|")
            }
        }
        return result
    }
}
