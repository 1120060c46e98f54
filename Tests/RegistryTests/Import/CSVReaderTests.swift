import Foundation
import Testing
@testable import Registry

@Suite("CSV reader")
struct CSVReaderTests {
    func records(_ text: String, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto) throws -> (CSVReader, [CSVRecord]) {
        try records(Data(text.utf8), delimiter: delimiter, encoding: encoding)
    }

    func records(_ data: Data, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto) throws -> (CSVReader, [CSVRecord]) {
        let reader = try CSVReader(data: data, delimiter: delimiter, encoding: encoding)
        var result: [CSVRecord] = []
        while let record = try reader.next() { result.append(record) }
        return (reader, result)
    }

    @Test("the delimiter is detected from the header", arguments: [("a,b;c\n1,2;3\n", UInt8(44)), ("a;b;c,d\n", 59), ("a\tb\tc\n", 9), ("name\nx\n", 44), ("\"a;b\",c\n", 44)])
    func detection(_ text: String, _ delimiter: UInt8) throws {
        #expect(try CSVReader(data: Data(text.utf8)).delimiter == delimiter)
    }

    @Test("RFC 4180: quoted delimiters, doubled quotes, newlines inside quotes; CRLF or LF; with or without a final newline", arguments: ["\r\n", "\n"])
    func rfc4180(_ newline: String) throws {
        let text = ["name;note", "\"Spółdzielnia \"\"Razem\"\"\";\"a;b\"", "\"line one\(newline)line two\";x", "last;", "end;y"].joined(separator: newline)
        let (reader, rows) = try records(text)
        #expect(reader.header == ["name", "note"])
        #expect(rows.map(\.fields) == [["Spółdzielnia \"Razem\"", "a;b"], ["line one\(newline)line two", "x"], ["last", ""], ["end", "y"]])
        #expect(rows.map(\.line) == [2, 3, 5, 6])
        #expect(rows.map(\.number) == [1, 2, 3, 4])
    }

    @Test("blank lines are skipped with line numbers kept; a header-only file has no records")
    func blankLines() throws {
        let (_, rows) = try records("a,b\n\n1,2\r\n\r\n3,4\n\n\n")
        #expect(rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(rows.map(\.line) == [3, 5])
        let (reader, none) = try records("a,b\r\n")
        #expect(reader.header == ["a", "b"])
        #expect(none.isEmpty)
    }

    @Test("Windows-1250 with ; and a quoted newline decodes under auto and cp1250")
    func cp1250() throws {
        // "Nazwa;Miejscowość\r\n"Łódzka; "Żak"\r\nźle";Gdańsk\r\n" in Windows-1250.
        var bytes: [UInt8] = Array("Nazwa;Miejscowo".utf8) + [0x9C, 0xE6] + Array("\r\n\"".utf8) + [0xA3, 0xF3, 0x64, 0x7A, 0x6B, 0x61]
        bytes += Array("; \"\"".utf8) + [0xAF] + Array("ak\"\"\r\n".utf8) + [0x9F] + Array("le\";Gda".utf8) + [0xF1] + Array("sk\r\n".utf8)
        for choice in [EncodingChoice.auto, .cp1250] {
            let (reader, rows) = try records(Data(bytes), encoding: choice)
            #expect(reader.encoding == .cp1250)
            #expect(reader.delimiter == 59)
            #expect(reader.header == ["Nazwa", "Miejscowość"])
            #expect(rows.map(\.fields) == [["Łódzka; \"Żak\"\r\nźle", "Gdańsk"]])
        }
    }

    @Test("UTF-8 with a BOM is read as UTF-8 without the BOM")
    func bom() throws {
        let (reader, rows) = try records(Data([0xEF, 0xBB, 0xBF] + Array("Nazwa;Gmina\nŁódź;Łódź\n".utf8)))
        #expect(reader.encoding == .utf8)
        #expect(reader.header == ["Nazwa", "Gmina"])
        #expect(rows.first?.fields == ["Łódź", "Łódź"])
    }

    @Test("malformed input is refused naming the record and line", arguments: [
        ("a,b\n1,2\n\"open,3\n4,5\n", RecordProblem(record: 2, line: 3, message: "unclosed quote: the quoted field opened on line 3 never ends")),
        ("a,b\n1,x\"y\n", RecordProblem(record: 1, line: 2, message: "quote inside an unquoted field (a field with quotes must be quoted as a whole)")),
        ("a,b\n\"x\"y,1\n", RecordProblem(record: 1, line: 2, message: "unexpected text after a closing quote (a quote inside a quoted field must be doubled)")),
        ("a,b\n1,2\n3,\u{0}\n", RecordProblem(record: 2, line: 3, message: "NUL byte in the file")),
    ])
    func malformed(_ text: String, _ problem: RecordProblem) {
        #expect(throws: RegistryError.invalidRecord(problem)) { try records(text) }
    }

    @Test("invalid UTF-8 in a file declared UTF-8 is refused naming the line")
    func invalidUTF8() {
        let bytes = Array("a,b\n1,2\n3,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 2, line: 3, message: "invalid UTF-8 (byte 0xC3); if the file comes from Excel, try --encoding cp1250"))) {
            try records(Data(bytes), encoding: .utf8)
        }
    }

    @Test("a field over 1 MB and a record over 10,000 columns are refused")
    func limits() throws {
        let big = String(repeating: "x", count: CSVReader.maximumFieldBytes + 1)
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 1, line: 2, message: "field longer than 1 MB (1048576 bytes)"))) {
            try records("a\n\(big)\n")
        }
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 1, line: 2, message: "field longer than 1 MB (1048576 bytes)"))) {
            try records("a\n\"\(big)\"\n")
        }
        let wide = Array(repeating: "1", count: CSVReader.maximumColumns + 1).joined(separator: ",")
        #expect(throws: RegistryError.invalidRecord(RecordProblem(record: 1, line: 2, message: "record has more than 10000 columns"))) {
            try records("a\n\(wide)\n")
        }
        let (_, ok) = try records("a\n" + Array(repeating: "1", count: CSVReader.maximumColumns).joined(separator: ",") + "\n")
        #expect(ok.first?.fields.count == CSVReader.maximumColumns)
    }

    @Test("an empty file and a BOM-only file are refused as empty", arguments: [Data(), Data([0xEF, 0xBB, 0xBF]), Data("\n\n".utf8)])
    func empty(_ data: Data) {
        #expect(throws: RegistryError.malformedFile(path: "input", line: 1, message: "the file is empty")) {
            try CSVReader(data: data)
        }
    }

    @Test("a large file streams across buffer boundaries with fields split between chunks")
    func streaming() throws {
        let directory = TemporaryDirectory()
        var text = "id;name;note\r\n"
        for index in 0..<20_000 {
            text += "\(index);Spółdzielnia nr \(index);\"uwaga; \"\"\(index)\"\"\r\nwiersz 2\"\r\n"
        }
        let path = directory.write("big.csv", text)
        let reader = try CSVReader(path: path)
        var count = 0
        while let record = try reader.next() {
            #expect(record.fields == ["\(count)", "Spółdzielnia nr \(count)", "uwaga; \"\(count)\"\r\nwiersz 2"])
            #expect(record.line == 2 + count * 2)
            count += 1
        }
        #expect(count == 20_000)
        #expect(reader.bytesRead == text.utf8.count)
    }

    @Test("the delimiter is detected from a header longer than one read, after a byte-order mark")
    func longHeaderAfterBOM() throws {
        let directory = TemporaryDirectory()
        // The reader reads 256 KiB at a time and the BOM takes the first 3 bytes: the header's bytes
        // at offsets 262,144 to 262,146 of the file arrive with the first refill.
        let chunk = 1 << 18
        let header = String(repeating: "h", count: chunk - 3) + ";;;" + "h,x,y"
        let path = directory.file("long-header.csv")
        try Data([0xEF, 0xBB, 0xBF] + Array((header + "\n" + "1;2;3;4\n").utf8)).write(to: URL(fileURLWithPath: path))
        let reader = try CSVReader(path: path)
        #expect(reader.delimiter == 59)
        #expect(reader.header.count == 4)
    }

    @Test("a folder given as the file is refused saying so, by the digest and the reader alike, and an import changes nothing")
    func folder() throws {
        let test = try TestRegistry()
        let directory = TemporaryDirectory()
        let folder = directory.file("folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        #expect(throws: RegistryError.io(path: folder, message: "cannot read: Is a directory")) {
            try FileDigest.sha256(path: folder)
        }
        #expect(throws: RegistryError.io(path: folder, message: "cannot read: Is a directory")) { try CSVReader(path: folder) }
        let before = try test.registry.database.dump()
        #expect(throws: RegistryError.io(path: folder, message: "cannot read: Is a directory")) {
            try test.registry.importFile(folder, options: ImportOptions(target: .entities))
        }
        #expect(try test.registry.database.dump() == before)
    }

    @Test("the digest taken on a thread of its own is the file's SHA-256, and fails as the digest does")
    func backgroundDigest() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("abc.csv")
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  // FIPS 180-2's example
        #expect(try FileDigest.Background(path: path).value() == sha256)
        #expect(try FileDigest.sha256(path: path) == sha256)
        let missing = directory.file("missing.csv")
        let digest = FileDigest.Background(path: missing)
        #expect(throws: RegistryError.fileNotFound(path: missing)) { try digest.value() }
        #expect(throws: RegistryError.fileNotFound(path: missing)) { try digest.value() }  // asked again
    }

    @Test("random records survive write → read for each delimiter and line ending")
    func roundTrip() throws {
        var generator = SeededGenerator(state: 2026)
        let alphabet: [String] = ["a", "Ż", "ł", " ", ",", ";", "\t", "\"", "\n", "\r\n", "x", "1", "ą"]
        let directory = TemporaryDirectory()
        for (delimiter, ending) in [(UInt8(44), "\n"), (59, "\r\n"), (9, "\n"), (59, "\n")] {
            let columns = Int.random(in: 1...6, using: &generator)
            var expected: [[String]] = []
            let path = directory.file("round-\(delimiter)-\(ending.count).csv")
            var writer = try CSVWriter(path: path, protecting: "/nonexistent/registry.sqlite", delimiter: delimiter, lineEnding: ending, byteOrderMark: delimiter == 59)
            let header = (0..<columns).map { "c\($0)" }
            try writer.write(header)
            for _ in 0..<500 {
                let record = (0..<columns).map { _ in
                    (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }.joined()
                }
                // A record that is a single empty field is a blank line, which readers skip.
                if record.allSatisfy(\.isEmpty) && columns == 1 { continue }
                expected.append(record)
                try writer.write(record)
            }
            try writer.close()
            let reader = try CSVReader(path: path, delimiter: delimiter)
            var actual: [[String]] = []
            while let record = try reader.next() { actual.append(record.fields) }
            #expect(reader.header == header)
            #expect(actual == expected)
        }
    }
}
