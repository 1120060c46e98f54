import CSQLite
import Foundation
import Testing
@testable import SQLiteStore

@Suite("Encoded rows")
struct EncodedRowTests {
    static let values: [SQLValue] = [.text("ał"), .integer(-2), .null, .real(1.5), .blob([9, 0]), .text("")]

    @Test("values encode as a tag, a little-endian length for text and blobs, and the bytes (the digest format)")
    func knownBytes() {
        var row = EncodedRow()
        for value in Self.values { row.append(value) }
        let expected: [UInt8] = [3, 3, 0, 0, 0, 0, 0, 0, 0, 0x61, 0xC5, 0x82]
            + [1, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0]
            + [2, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F]
            + [4, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0]
            + [3, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(row.bytes == expected)
        #expect(row.count == 6)
        #expect(row.withPrefix(values: 2) { Array($0) } == Array(expected.prefix(21)))
        row.removeAll()
        #expect(row.bytes.isEmpty && row.count == 0)
    }

    @Test("the typed appends encode as the SQL values they stand for, nil as NULL")
    func typedAppends() {
        var typed = EncodedRow()
        typed.append(text: "ał")
        typed.append(integer: Int64(-2))
        typed.append(text: nil as String?)
        typed.append(real: 1.5)
        typed.append(text: "" as String?)
        typed.append(integer: 7 as Int?)
        typed.append(integer: nil as Int?)
        typed.append(real: -0.25 as Double?)
        typed.append(real: nil as Double?)
        typed.appendNull()
        var general = EncodedRow()
        let values: [SQLValue] = [.text("ał"), .integer(-2), SQLValue(nil as String?), .real(1.5), SQLValue("" as String?),
                                  SQLValue(7 as Int?), SQLValue(nil as Int?), SQLValue(-0.25 as Double?),
                                  SQLValue(nil as Double?), .null]
        for value in values { general.append(value) }
        #expect(typed.bytes == general.bytes)
        #expect(typed.count == general.count)
        #expect(typed.withPrefix(values: 4) { Array($0) } == general.withPrefix(values: 4) { Array($0) })
    }

    @Test("a statement bound from an encoded row reads back every value, and keeps no pointer into it afterwards")
    func bindsEveryValue() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("e.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TEMP TABLE t (a, b, c, d, e, f)")
        var row = EncodedRow()
        for value in Self.values { row.append(value) }
        try database.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)").execute(row)
        let stored = try database.rows("SELECT quote(a), quote(b), quote(c), quote(d), quote(e), quote(f), typeof(f) FROM t") { row in
            (0..<7).map { index in row.text(at: Int32(index)) ?? "" }
        }
        #expect(stored == [["'ał'", "-2", "NULL", "1.5", "X'0900'", "''", "text"]])
        // The bindings are cleared before execute returns: nothing points into the row's buffer.
        let statement = try database.cached("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
        let expanded = try #require(sqlite3_expanded_sql(statement.handle))
        defer { sqlite3_free(expanded) }
        #expect(String(cString: expanded) == "INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL)")
    }
}
