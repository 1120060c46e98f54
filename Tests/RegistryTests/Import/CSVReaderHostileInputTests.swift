import Foundation
import Testing
@testable import Registry

/// The reader on hostile input: where problems are reported, line counting across line endings and
/// read boundaries, the record size limit, and every input the fuzzers kept (Fuzz/Crashers, Fuzz/Corpus).
@Suite("CSV reader: hostile input")
struct CSVReaderHostileInputTests {
    func readAll(_ reader: CSVReader) throws -> [CSVRecord] {
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test("a problem in the header is reported as record 0", arguments: [
        ("a,\"b\n", "unclosed quote: the quoted field opened on line 1 never ends"),
        ("a,b\"c\n1,2\n", "quote inside an unquoted field (a field with quotes must be quoted as a whole)"),
        ("\n\na,\u{0}\n", "NUL byte in the file"),
    ])
    func headerIsRecordZero(_ text: String, _ message: String) {
        let line = text.hasPrefix("\n\n") ? 3 : 1
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 0, line: line, message: message))) {
            try CSVReader(data: Data(text.utf8))
        }
    }

    @Test("CRLF, LF and a lone CR each end one line, inside quoted fields and before the header too")
    func lineEndings() throws {
        let text = "\r\r\na;b\r\"x\ry\r\nz\nw\";1\n2;3\r4;5\r\n"
        let reader = try CSVReader(data: Data(text.utf8))
        #expect(reader.header == ["a", "b"])
        let records = try readAll(reader)
        #expect(records.map(\.fields) == [["x\ry\r\nz\nw", "1"], ["2", "3"], ["4", "5"]])
        #expect(records.map(\.line) == [4, 8, 9])
    }

    @Test("a defect on a later line of a multi-line record names that line", arguments: [
        ("a,b\n\"1\n2\",\"3\n4\"x\n", RecordProblem(record: 1, line: 2, message: "unexpected text after a closing quote (a quote inside a quoted field must be doubled) (on line 4)")),
        ("a,b\n\"1\r\n2\",3\u{0}\n", RecordProblem(record: 1, line: 2, message: "NUL byte in the file (on line 3)")),
        ("a,b\n\"1\r2\",3\"\n", RecordProblem(record: 1, line: 2, message: "quote inside an unquoted field (a field with quotes must be quoted as a whole) (on line 3)")),
    ])
    func defectLine(_ text: String, _ problem: RecordProblem) {
        #expect(throws: RegistryError.invalidRecord(problem)) { try readAll(try CSVReader(data: Data(text.utf8))) }
    }

    @Test("invalid bytes in a multi-line field name the line they are on")
    func invalidBytesLine() {
        let utf8 = Array("a,b\n\"1\n2\n".utf8) + [0xFF] + Array("\",3\n".utf8)
        #expect(throws: RegistryError.invalidRecord(RecordProblem(
            record: 1, line: 2, message: "invalid UTF-8 (byte 0xFF); if the file comes from Excel, try --encoding cp1250 (on line 4)"))) {
            try readAll(try CSVReader(data: Data(utf8), encoding: .utf8))
        }
        let cp1250 = Array("a,b\n\"1\r\n".utf8) + [0x98] + Array("\",3\n".utf8)
        #expect(throws: RegistryError.invalidRecord(RecordProblem(
            record: 1, line: 2, message: "byte 0x98 is not a Windows-1250 character; is the file UTF-8? try --encoding utf-8 (on line 3)"))) {
            try readAll(try CSVReader(data: Data(cp1250), encoding: .cp1250))
        }
    }

    /// A file whose byte at `boundary - 1` is the CR of a CRLF, so the LF comes with the next read.
    func fileSplittingCRLF(_ directory: TemporaryDirectory, afterDelimiter: Bool, quoted: Bool) throws -> (String, Int) {
        let boundary = 1 << 18  // what one read of the file returns
        var text = "id;note\r\n"
        var rows = 0
        while text.utf8.count < boundary - 100 {
            text += "\(rows);wiersz\r\n"
            rows += 1
        }
        // The row that ends at the boundary: `id;` + padding + (`;` or `"…`) + CR.
        let prefix = "\(rows);"
        let tail = afterDelimiter ? ";" : ""
        let padding = boundary - 1 - text.utf8.count - prefix.utf8.count - tail.utf8.count - (quoted ? 1 : 0)
        if quoted {
            text += prefix + "\"" + String(repeating: "q", count: padding) + "\r\nciąg dalszy\";koniec\r\n"
        } else {
            text += prefix + String(repeating: "p", count: padding) + tail + "\r\n"
        }
        rows += 1
        #expect(Array(text.utf8)[boundary - 1] == 13)
        for index in 0..<10 { text += "po \(index);x\r\n" }
        return (directory.write("split-\(afterDelimiter)-\(quoted).csv", text), rows)
    }

    @Test("a CRLF split between two reads counts as one line", arguments: [(true, false), (false, false), (false, true)])
    func crlfAcrossReads(_ afterDelimiter: Bool, _ quoted: Bool) throws {
        let directory = TemporaryDirectory()
        let (path, rows) = try fileSplittingCRLF(directory, afterDelimiter: afterDelimiter, quoted: quoted)
        let records = try readAll(try CSVReader(path: path))
        #expect(records.count == rows + 10)
        let lines = records.map(\.line)
        // One physical line per record, plus one for the quoted field's inner line break.
        let expected = (0..<records.count).map { $0 + 2 + (quoted && $0 >= rows ? 1 : 0) }
        #expect(lines == expected)
        #expect(records.last?.fields == ["po 9", "x"])
    }

    @Test("a record over 16 MB is refused even when each field is under 1 MB")
    func recordLimit() throws {
        let field = String(repeating: "x", count: CSVReader.maximumFieldBytes - 1)
        let text = "a\n" + Array(repeating: field, count: 17).joined(separator: ",") + "\n"
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 1, line: 2, message: "record longer than 16 MB (16777216 bytes)"))) {
            try readAll(try CSVReader(data: Data(text.utf8)))
        }
    }

    /// Fuzz/Crashers and Fuzz/Corpus of the repository.
    static func fuzzInputs(_ target: String) -> [String] {
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")
        var paths: [String] = []
        for folder in ["Crashers", "Corpus"] {
            let directory = fuzz.appendingPathComponent(folder).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            paths += names.sorted().map { directory.appendingPathComponent($0).path }
        }
        return paths
    }

    @Test("every input the CSV fuzzer kept reads without trapping, each problem naming a record and line")
    func fuzzCSVInputs() throws {
        let inputs = Self.fuzzInputs("fuzz-csv")
        #expect(!inputs.isEmpty)
        for path in inputs {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            for encoding in EncodingChoice.allCases {
                for delimiter in [nil, 44, 59, 9] as [UInt8?] {
                    do {
                        let reader = try CSVReader(data: data, delimiter: delimiter, encoding: encoding)
                        var number = 0
                        while let record = try reader.next() {
                            number += 1
                            #expect(record.number == number, "\(path)")
                        }
                    } catch let RegistryError.invalidRecord(problem) {
                        #expect(problem.record >= 0 && problem.line >= 1, "\(path): \(problem)")
                    } catch RegistryError.malformedFile {
                    }
                }
            }
        }
    }

    @Test("every input the validator fuzzer kept parses or is refused as an invalid value")
    func fuzzValidatorInputs() throws {
        let inputs = Self.fuzzInputs("fuzz-validators")
        #expect(!inputs.isEmpty)
        for path in inputs {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            let parsers: [() throws -> String] = [
                { try NIP(text).digits }, { try REGON(text).digits }, { try KRS(text).digits },
                { try PostalCode(text).code }, { try PKD(text).code }, { try PKD.normalizedPrefix(text) },
                { try LocalDate.parse(text, field: "date").description },
            ]
            for parse in parsers {
                do {
                    _ = try parse()
                } catch RegistryError.invalidValue {
                }
            }
        }
    }
}
