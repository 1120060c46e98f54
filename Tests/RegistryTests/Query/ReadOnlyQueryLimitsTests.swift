import Foundation
import Testing
@testable import Registry
import SQLiteStore

/// The memory limit is process-wide and needs SQLite started with memory counting, which this test
/// process cannot promise (other suites open connections first): it is tested through the CLI.
@Suite("registry sql: time limit, refused functions, read transaction ends with the run")
struct ReadOnlyQueryLimitsTests {
    /// Reads `entities` (so it holds a read transaction) for a minute or more: long enough to meet
    /// any limit this suite sets, yet ending, so a limit that does nothing fails the test, not hangs it.
    static let long = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 50000000) SELECT max(x) FROM c, entities"

    /// True when a full checkpoint can reset the WAL, that is no reader holds a snapshot.
    static func walIsFree(_ test: TestRegistry) throws -> Bool {
        try test.registry.database.prepare("PRAGMA wal_checkpoint(TRUNCATE)").first { $0.int(at: 0) } == 0
    }

    @Test("a run past its time limit stops with limitExceeded(time), and its read transaction is over")
    func timeLimit() throws {
        let test = try QueryTests.populated()
        let query = try ReadOnlyQuery(path: test.path, sql: Self.long, timeLimit: .milliseconds(300))
        let start = ContinuousClock.now
        do {
            try query.forEachRow { _ in }
            Issue.record("the long statement ran to its end")
        } catch let RegistryError.limitExceeded(limit, value, message) {
            #expect(limit == "time")
            #expect(value == "0.3 s")
            #expect(message.contains("time limit"))
        }
        #expect(ContinuousClock.now - start < .seconds(10))
        // The query object is still alive, its statement no longer reading.
        #expect(try Self.walIsFree(test))
        withExtendedLifetime(query) {}
    }

    @Test("the time limit counts from each run's start")
    func timeLimitPerRun() throws {
        let test = try QueryTests.populated()
        // A second run starts after the first run's deadline has passed: it must get a deadline of
        // its own. (A run itself takes a millisecond; the limit leaves a loaded machine room.)
        let query = try ReadOnlyQuery(path: test.path, sql: "SELECT count(*) FROM entities", timeLimit: .seconds(1))
        for _ in 0..<2 {
            var rows: [[SQLValue]] = []
            try query.forEachRow { rows.append($0) }
            #expect(rows == [[.integer(4)]])
            Thread.sleep(forTimeInterval: 1.2)
        }
    }

    @Test("a run that its caller stops ends its read transaction")
    func callerStops() throws {
        struct Stop: Error {}
        let test = try QueryTests.populated()
        let query = try ReadOnlyQuery(path: test.path, sql: "SELECT name FROM entities", timeLimit: .seconds(30))
        #expect(throws: Stop.self) { try query.forEachRow { _ in throw Stop() } }
        #expect(try Self.walIsFree(test))
        withExtendedLifetime(query) {}
    }

    @Test("functions that expose addresses or files are refused, naming the function", arguments: [
        ("SELECT hex(fts3_tokenizer('porter'))", "fts3_tokenizer"),
        ("SELECT fts5(NULL)", "fts5"),
        ("SELECT Load_Extension('x')", "load_extension"),
        ("SELECT readfile('/etc/passwd')", "readfile"),
        ("SELECT zipfile('a', 'b')", "zipfile"),
    ])
    func refusedFunctions(_ sql: String, _ function: String) throws {
        let test = try QueryTests.populated()
        do {
            _ = try ReadOnlyQuery(path: test.path, sql: sql)
            Issue.record("\(sql) was accepted")
        } catch let RegistryError.notReadOnly(_, reason) {
            #expect(reason.contains("function \(function)"), "\(reason)")
        }
    }

    @Test("a time limit must be more than zero")
    func zeroTimeLimit() throws {
        let test = try QueryTests.populated()
        #expect(throws: RegistryError.invalidValue(field: "time limit", value: "0 s", rule: "must be more than 0 s")) {
            _ = try ReadOnlyQuery(path: test.path, sql: "SELECT 1", timeLimit: .zero)
        }
    }
}
