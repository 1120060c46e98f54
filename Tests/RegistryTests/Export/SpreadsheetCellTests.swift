import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Spreadsheet-safe cells")
struct SpreadsheetCellTests {
    /// The characters a cell may not begin with in a file for Excel, and the quote that marks the guard.
    static let guardedStarts = ["=", "+", "-", "@", "\t", "\r", "'"]

    @Test("a cell beginning with = + - @ TAB CR or ' gets a leading '", arguments: guardedStarts)
    func guards(_ start: String) {
        #expect(SpreadsheetCell.guarded(start) == "'" + start)
        #expect(SpreadsheetCell.guarded(start + "x") == "'" + start + "x")
        #expect(SpreadsheetCell.unguarded(SpreadsheetCell.guarded(start + "SUM(1)")) == start + "SUM(1)")
    }

    @Test("ordinary values are left as they are")
    func ordinary() {
        for value in ["", "abc", "Żółć", "1", "1-2", "a=b", " =x", "\"=x\"", "„=”", "x'", "#REF", "%", "\n=x"] {
            #expect(SpreadsheetCell.guarded(value) == value)
            #expect(SpreadsheetCell.unguarded(value) == value)
        }
        #expect(SpreadsheetCell.guarded(#"=HYPERLINK("http://x","click")"#) == #"'=HYPERLINK("http://x","click")"#)
        #expect(SpreadsheetCell.guarded("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
    }

    @Test("import removes exactly one ' before a guarded character", arguments: guardedStarts)
    func unguards(_ start: String) {
        #expect(SpreadsheetCell.unguarded("'" + start) == start)
        #expect(SpreadsheetCell.unguarded("'" + start + "1+1") == start + "1+1")
        #expect(SpreadsheetCell.unguarded("''" + start) == "'" + start)
    }

    @Test("a ' before anything else stays: 'abc, a lone ', 'Ż")
    func quoteKept() {
        for value in ["'", "'abc", "'Ż", "' =x", "'1", "'\n", "'\"x"] {
            #expect(SpreadsheetCell.unguarded(value) == value)
        }
        #expect(SpreadsheetCell.guarded("'abc") == "''abc")
        #expect(SpreadsheetCell.unguarded("''abc") == "'abc")
    }

    @Test("a rejects file's cell is guarded once and imports as the original did")
    func reguarded() {
        #expect(SpreadsheetCell.reguarded("=x") == "'=x")
        #expect(SpreadsheetCell.reguarded("'=x") == "'=x")  // already guarded: kept
        #expect(SpreadsheetCell.reguarded("'abc") == "''abc")
        #expect(SpreadsheetCell.reguarded("abc") == "abc")
        #expect(SpreadsheetCell.reguarded(" =x") == " =x")
        // The import trims a TAB or CR before the value: the rejects file drops it rather than keep it guarded.
        #expect(SpreadsheetCell.reguarded("\t=x ") == "'=x")
        #expect(SpreadsheetCell.reguarded("\r\nabc") == "abc")
        #expect(SpreadsheetCell.reguarded("\t'=x") == "'=x")
        for cell in ["=x", "'=x", "'abc", "abc", " =x ", "\t=x", "\tabc", "\t'=x", "@", "''", "-1"] {
            let asImported = SpreadsheetCell.unguarded(cell.trimmed)
            #expect(SpreadsheetCell.unguarded(SpreadsheetCell.reguarded(cell).trimmed) == asImported, "\(cell.debugDescription)")
        }
    }

    /// What `RecordWriter` writes for one row through `write(_:)`.
    static func written(_ values: [JSONValue], columns: [String], excel: Bool) throws -> String {
        let directory = TemporaryDirectory()
        let path = directory.file("out.csv")
        let writer = try RecordWriter(sink: try .file(path, protecting: "/nonexistent/registry.sqlite"), format: .csv, columns: columns, excel: excel)
        try writer.write(values)
        try writer.finish()
        return try text(path)
    }

    /// A file's text without its BOM.
    static func text(_ path: String) throws -> String {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...], as: UTF8.self)
    }

    @Test("--excel guards text cells on both write paths; numbers, plain CSV and the header stay as they are")
    func writer() throws {
        let columns = ["a", "b", "c", "d", "e"]
        let values: [JSONValue] = [.string("=1+1"), .string("@SUM(1);x"), .int(-5), .double(-1.5), .string("'abc")]
        #expect(try Self.written(values, columns: columns, excel: true) == "a;b;c;d;e\r\n'=1+1;\"'@SUM(1);x\";-5;-1.5;''abc\r\n")
        #expect(try Self.written(values, columns: columns, excel: false) == "a,b,c,d,e\n=1+1,@SUM(1);x,-5,-1.5,'abc\n")

        // The byte path (`writeRow(of:)`), which exports take.
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("rows.sqlite"), access: .readWriteCreate)
        func row(excel: Bool) throws -> String {
            let path = directory.file("row-\(excel).csv")
            let writer = try RecordWriter(sink: try .file(path, protecting: "/nonexistent/registry.sqlite"), format: .csv, columns: columns, excel: excel)
            try database.prepare("SELECT '=1+1', '@SUM(1);x', -5, -1.5, '''abc'").forEachRow([]) { try writer.writeRow(of: $0) }
            try writer.finish()
            return try Self.text(path)
        }
        #expect(try row(excel: true) == "a;b;c;d;e\r\n'=1+1;\"'@SUM(1);x\";-5;-1.5;''abc\r\n")
        #expect(try row(excel: false) == "a,b,c,d,e\n=1+1,@SUM(1);x,-5,-1.5,'abc\n")
        // A CR at the start is guarded inside the quotes.
        let path = directory.file("cr.csv")
        let writer = try RecordWriter(sink: try .file(path, protecting: "/nonexistent/registry.sqlite"), format: .csv, columns: ["a"], excel: true)
        try database.prepare("SELECT char(13) || '=x'").forEachRow([]) { try writer.writeRow(of: $0) }
        try writer.write([.string("\t=x")])
        try writer.finish()
        #expect(try Self.text(path) == "a\r\n\"'\r=x\"\r\n'\t=x\r\n")
    }
}
