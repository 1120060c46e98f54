import Crypto
import Foundation
import PropertyBased
import Testing
@testable import Registry
import SQLiteStore

/// Properties checked over generated inputs (x-sheep/swift-property-based; failures print a seed to replay).
@Suite("Properties")
struct PropertyTests {
    /// Characters that stress CSV: delimiters, quotes, CR, LF, CRLF, spaces, Polish letters.
    static let alphabet: [Character] = ["a", "Ż", "ł", "ó", " ", ",", ";", "\t", "\"", "\n", "\r", "\r\n", "x", "1", "ą", "„"]
    static let field = Gen<Character?>.element(of: alphabet).map { $0 ?? "a" }.string(of: 0...10)

    /// How a generated CSV file is laid out: columns (1 and 20 often), delimiter, line ending, BOM
    /// and encoding.
    struct CSVLayout: Sendable, CustomStringConvertible {
        var columns: Int
        var delimiter: UInt8
        var lineEnding: String
        var byteOrderMark: Bool
        var windows1250: Bool

        var description: String {
            "\(columns) columns, delimiter \(delimiter), \(lineEnding.debugDescription), BOM \(byteOrderMark), Windows-1250 \(windows1250)"
        }
    }

    static let csvLayout = zip(
        Gen<Int?>.element(of: [1, 2, 20, 0, 0]).map { $0 ?? 0 }, Gen.int(in: 1...20),
        Gen<UInt8?>.element(of: [44, 59, 9]).map { $0 ?? 44 }, Gen.bool, Gen.bool, Gen.bool
    ).map { edge, any, delimiter, crlf, bom, windows1250 in
        // A header of one column holds no delimiter, so detection takes a comma.
        let columns = edge == 0 ? any : edge
        return CSVLayout(columns: columns, delimiter: columns == 1 ? 44 : delimiter, lineEnding: crlf ? "\r\n" : "\n",
                         byteOrderMark: bom && !windows1250, windows1250: windows1250)
    }

    /// `text` in Windows-1250 (every character of `alphabet` has a byte there).
    static func windows1250(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            if scalar.value < 0x80 { return UInt8(scalar.value) }
            guard let index = Codepage.cp1250High.firstIndex(of: scalar.value) else {
                Issue.record("\(scalar) has no Windows-1250 byte")
                return 0x3F
            }
            return UInt8(0x80 + index)
        }
    }

    @Test("any records of 1–20 columns written as CSV read back the same, the delimiter and encoding detected")
    func csvRoundTrip() async {
        let directory = TemporaryDirectory()
        await propertyCheck(count: 450, input: Self.csvLayout, Self.field.array(of: 20).array(of: 1...25)) { layout, rows in
            let records = rows.map { Array($0.prefix(layout.columns)) }
            // "ł" after a space is never valid UTF-8 in Windows-1250, so such a file is never read as UTF-8.
            let header = (1...layout.columns).map { "Pole ł\($0)" }
            let path = directory.file("p-\(UUID().uuidString).csv")
            do {
                var writer = try CSVWriter(path: path, protecting: "/nonexistent/registry.sqlite", delimiter: layout.delimiter,
                                           lineEnding: layout.lineEnding, byteOrderMark: layout.byteOrderMark)
                try writer.write(header)
                for record in records { try writer.write(record) }
                try writer.close()
                if layout.windows1250 {
                    let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                    try Data(Self.windows1250(text)).write(to: URL(fileURLWithPath: path))
                }
                let reader = try CSVReader(path: path)
                #expect(reader.delimiter == layout.delimiter, "\(layout)")
                #expect(reader.encoding == (layout.windows1250 ? .cp1250 : .utf8), "\(layout)")
                #expect(reader.header == header, "\(layout)")
                var read: [[String]] = []
                while let record = try reader.next() { read.append(record.fields) }
                #expect(read == records, "\(layout)")
            } catch {
                Issue.record("\(layout): \(error)")
            }
        }
    }

    static func padded(_ number: Int, to width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    @Test("a NIP is accepted exactly when its check digit matches the weighted sum")
    func nipChecksum() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...9_999_999_999)) { number in
            let text = Self.padded(number, to: 10)
            let digits = text.compactMap(\.wholeNumberValue)
            let sum = zip(digits, [6, 5, 7, 2, 3, 4, 5, 6, 7]).map(*).reduce(0, +) % 11
            #expect(NIP.isValid(text) == (sum != 10 && sum == digits[9]))
        }
    }

    @Test("a REGON-9 is accepted exactly when its check digit matches (10 counting as 0)")
    func regonChecksum() async {
        await propertyCheck(count: 2000, input: Gen.int(in: 0...999_999_999)) { number in
            let text = Self.padded(number, to: 9)
            let digits = text.compactMap(\.wholeNumberValue)
            let sum = zip(digits, [8, 9, 2, 3, 4, 5, 6, 7]).map(*).reduce(0, +) % 11
            #expect(((try? REGON(text)) != nil) == ((sum == 10 ? 0 : sum) == digits[8]))
        }
    }

    @Test("a REGON-14 is accepted exactly when its 14th digit matches (10 counting as 0) and its first 9 are a REGON-9")
    func regon14Checksum() async {
        await propertyCheck(count: 1000, input: Gen.int(in: 0...99_999_999), Gen.int(in: 0...9), Gen.int(in: 0...9_999)) { body, ninth, local in
            let weights9 = [8, 9, 2, 3, 4, 5, 6, 7]
            let weights14 = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8]
            let first8 = Self.padded(body, to: 8).compactMap(\.wholeNumberValue)
            let sum9 = zip(first8, weights9).map(*).reduce(0, +) % 11
            let check9 = sum9 == 10 ? 0 : sum9
            // Half the cases have a valid REGON-9 in front; the rest a random 9th digit.
            let nine = first8 + [ninth % 2 == 0 ? check9 : ninth]
            let thirteen = nine + Self.padded(local, to: 4).compactMap(\.wholeNumberValue)
            let sum14 = zip(thirteen, weights14).map(*).reduce(0, +) % 11
            let check14 = sum14 == 10 ? 0 : sum14
            for last in 0...9 {
                let text = (thirteen + [last]).map(String.init).joined()
                if last != check14 {
                    #expect(throws: RegistryError.invalidValue(field: "regon", value: text, rule: "checksum digit should be \(check14)")) {
                        try REGON(text)
                    }
                } else if nine[8] != check9 {
                    #expect(throws: RegistryError.invalidValue(
                        field: "regon", value: text, rule: "first 9 digits are not a valid REGON (checksum digit should be \(check9))")) {
                        try REGON(text)
                    }
                } else {
                    #expect((try? REGON(text))?.digits == text)
                }
            }
        }
    }

    /// The Gregorian month lengths, written out here rather than taken from the code under test.
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Real calendar dates biased to their edges: 29 February of leap years (century years too),
    /// month ends, first days, and years at the ends of the four-digit range.
    static let calendarDate = zip(
        Gen<Int?>.element(of: [1000, 1600, 1900, 2000, 2024, 2025, 2100, 2400, 9999, -1]).map { $0 ?? -1 },
        Gen.int(in: 1000...9999), Gen.int(in: 1...12),
        Gen<Int?>.element(of: [1, 28, 29, 30, 31, 0]).map { $0 ?? 0 }, Gen.int(in: 1...31)
    ).map { special, anyYear, month, edge, anyDay -> (year: Int, month: Int, day: Int) in
        let year = special < 0 ? anyYear : special
        // 0 stands for any day; an edge past the month's end becomes the month's last day.
        let last = Self.daysInMonth(year, month)
        return (year, month, min(edge == 0 ? anyDay : edge, last))
    }

    @Test("real calendar dates, 29 February and month ends included, parse in ISO and Polish form, and the day after a month's end is refused")
    func calendarDates() async {
        await propertyCheck(count: 3000, input: Self.calendarDate) { year, month, day in
            let iso = String(format: "%04d-%02d-%02d", year, month, day)
            guard let date = LocalDate(year: year, month: month, day: day) else {
                Issue.record("\(iso) is a real date")
                return
            }
            #expect(date.description == iso)
            #expect(LocalDate(iso: iso) == date)
            #expect((try? LocalDate.parse(String(format: "%02d.%02d.%04d", day, month, year), field: "d")) == date)
            #expect(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date)
            let next = date.adding(days: 1)
            #expect(next.daysSinceEpoch == date.daysSinceEpoch + 1)
            if day == Self.daysInMonth(year, month) {
                // The next day starts the next month; a day past the end does not exist.
                #expect(next.day == 1 && next.month == month % 12 + 1, "\(iso)")
                let past = String(format: "%04d-%02d-%02d", year, month, day + 1)
                #expect(LocalDate(year: year, month: month, day: day + 1) == nil, "\(past)")
                #expect(throws: RegistryError.invalidValue(field: "d", value: past, rule: "is not a real calendar date")) {
                    try LocalDate.parse(past, field: "d")
                }
            } else {
                #expect(next.year == year && next.month == month && next.day == day + 1, "\(iso)")
            }
        }
    }

    @Test("dates survive ISO and Polish formatting, and day counts round-trip")
    func dates() async {
        await propertyCheck(count: 1000, input: Gen.int(in: -300_000...2_900_000)) { days in
            let date = LocalDate(daysSinceEpoch: days)
            guard (1000...9999).contains(date.year) else { return }
            #expect(date.daysSinceEpoch == days)
            #expect(LocalDate(iso: date.description) == date)
            #expect(date.description == String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
            let polish = String(format: "%02d.%02d.%04d", date.day, date.month, date.year)
            #expect((try? LocalDate.parse(polish, field: "d")) == date)
        }
    }

    @Test("canonical JSON of any string parses back to the same string")
    func jsonStrings() async {
        await propertyCheck(count: 500, input: Self.field) { text in
            let json = JSONValue.object(["k": .string(text)]).canonical
            let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String]
            #expect(parsed?["k"] == text)
        }
    }

    /// Every control character (U+0000–U+001F and U+007F), backslashes alone and before the letters
    /// of escapes, quotes, a slash, CRLF and text that needs no escape.
    static let jsonAlphabet: [Character] = (0...0x1F).compactMap { Unicode.Scalar($0).map(Character.init) }
        + ["\u{7F}", "\\", "\\", "\\", "\"", "/", "u", "n", "0", "\r\n", "a", "ł", "Ż", "„", "😀", "\u{2028}"]

    @Test("strings with backslashes and every control character round-trip through canonical and pretty JSON")
    func jsonEscapes() async {
        let text = Gen<Character?>.element(of: Self.jsonAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 2000, input: text, text) { value, key in
            let value = value + "\\"
            let document = JSONValue.object(["k": .string(value), key: .array([.string(value), .string(key)])])
            for (form, json) in [("canonical", document.canonical), ("pretty", document.pretty)] {
                // JSON allows no raw control character below U+0020 inside a string.
                let strings = form == "canonical" ? Array(json.utf8) : Array(json.utf8).filter { $0 != 0x0A }
                #expect(!strings.contains { $0 < 0x20 }, "\(form): \(json.debugDescription)")
                let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                #expect(parsed?["k"] as? String == value, "\(form): \(json.debugDescription)")
                if key != "k" {
                    #expect(parsed?[key] as? [String] == [value, key], "\(form): \(json.debugDescription)")
                }
            }
        }
        // Each control character alone, so none is left to chance.
        for scalar in Self.jsonAlphabet {
            let value = "x\\" + String(scalar) + "\\"
            for json in [JSONValue.string(value).canonical, JSONValue.array([.string(value)]).pretty] {
                let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
                #expect(parsed as? String == value || (parsed as? [String])?.first == value, "\(json.debugDescription)")
            }
        }
    }

    /// Starts of cells a spreadsheet guard must handle: each guarded character, the quote that marks
    /// the guard (alone, doubled, before a guarded character), formulas, and ordinary text.
    static let cellStarts = [
        "=", "+", "-", "@", "\t", "\r", "'", "''", "'=", "'\t", "'\r", "'-", "''@", "=HYPERLINK(\"http://x\",\"click\")",
        "=cmd|' /C calc'!A0", "@SUM(1)", "+1+1", "a", "Ż", "",
    ]
    /// A cell's text: one of those starts, then text with delimiters, quotes, line breaks and Polish letters.
    static let spreadsheetCell = zip(
        Gen<String?>.element(of: cellStarts).map { $0 ?? "" },
        Gen<Character?>.element(of: alphabet + ["'", "=", "@", "+", "-"]).map { $0 ?? "a" }.string(of: 0...6)
    ).map { start, rest in start + rest }

    @Test("any text survives export --excel → import → export --excel byte for byte, and stays as it was")
    func excelRoundTrip() async {
        /// Entities, as `export entities --excel` and as plain CSV (exact values).
        func exports(_ test: TestRegistry) throws -> (excel: Data, plain: Data) {
            var files: [Data] = []
            for excel in [true, false] {
                let path = test.directory.file("export-\(excel)-\(UUID().uuidString).csv")
                let writer = try RecordWriter(sink: try .file(path, protecting: test.registry.database.path), format: .csv, columns: Registry.exportColumns(.entities), excel: excel)
                try test.registry.export(.entities, to: writer)
                files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            return (files[0], files[1])
        }
        let input = zip(Self.spreadsheetCell, Self.spreadsheetCell, Self.spreadsheetCell).array(of: 1...5)
        // Two registries a case: 20 cases of up to 5 entities keep it to seconds.
        await propertyCheck(count: 20, input: input) { rows in
            do {
                let original = try TestRegistry(start: "2024-01-01T00:00:00Z")
                for (index, (name, street, note)) in rows.enumerated() {
                    // A name is required: one that is only white space gets a letter.
                    try original.registry.addEntity([.kind: "fundacja", .name: name.trimmed.isEmpty ? "x" + name : name,
                                                     .nip: Generated.nip(index), .street: street, .note: note])
                }
                let first = try exports(original)
                let path = original.directory.write("excel.csv", bytes: [UInt8](first.excel))
                let copy = try TestRegistry(start: "2024-01-01T00:00:00Z")
                let report = try copy.registry.importFile(path, options: ImportOptions(target: .entities))
                #expect(report.errors == [])
                let second = try exports(copy)
                #expect(second.excel == first.excel, "\(String(decoding: first.excel, as: UTF8.self).debugDescription)")
                #expect(second.plain == first.plain, "\(String(decoding: first.plain, as: UTF8.self).debugDescription)")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    /// Polish letters both cases, caseless punctuation, white space of several kinds, other accents.
    static let foldingAlphabet: [Character] = [
        "a", "Z", " ", "\t", "\n", "\u{A0}", "ą", "Ą", "ć", "Ć", "ę", "Ę", "ł", "Ł", "ń", "Ń", "ó", "Ó", "ś", "Ś", "ź", "Ź",
        "ż", "Ż", "„", "”", "“", "‘", "’", "«", "»", "–", "—", "…", "é", "Ü", "ß", "-", "1", "\u{0}", "\u{1F}",
        "№", "‹", "Ж", "²", "_", ".", "\u{200C}", "\u{20DD}", "\u{0600}", "Ⓐ", "\u{E000}", "中", "😀", "ʼ",
    ]

    @Test("the byte-level folding of Polish text equals the general Unicode path")
    func foldingPaths() async {
        let text = Gen<Character?>.element(of: Self.foldingAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 3000, input: text) { text in
            #expect(TextFolding.fold(text) == TextFolding.foldScalars(text), "\(Array(text.unicodeScalars))")
        }
    }

    @Test("the byte-level path of the index's text equals its general path")
    func searchTextPaths() async {
        let text = Gen<Character?>.element(of: Self.foldingAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 3000, input: text) { text in
            #expect(TextFolding.searchText(text) == TextFolding.searchTextScalars(text), "\(Array(text.unicodeScalars))")
        }
    }

    /// Two FTS5 tables for comparing the words tokenizers find: the index as it was before migration
    /// 0009 (`unicode61` over the folded text) and as it is (`ascii` over the index's text).
    final class Tokenizers {
        let database: Database
        private var rowid: Int64 = 0

        init(directory: TemporaryDirectory) throws {
            database = try Database(path: directory.file("tokens.sqlite"), access: .readWriteCreate)
            try database.execute("""
                CREATE VIRTUAL TABLE before USING fts5 (t, tokenize = 'unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE now USING fts5 (t, tokenize = 'ascii');
                CREATE VIRTUAL TABLE temp.before_words USING fts5vocab(main, before, 'instance');
                CREATE VIRTUAL TABLE temp.now_words USING fts5vocab(main, now, 'instance');
                """)
        }

        /// The words each table finds in `text`, in order.
        func words(_ text: String) throws -> (before: [String], now: [String]) {
            rowid += 1
            try database.run("INSERT INTO before (rowid, t) VALUES (?, ?)", [.integer(rowid), .text(TextFolding.fold(text))])
            try database.run("INSERT INTO now (rowid, t) VALUES (?, ?)", [.integer(rowid), .text(TextFolding.searchText(text))])
            func words(_ table: String) throws -> [String] {
                try database.rows("SELECT term FROM \(table) WHERE doc = ? ORDER BY offset", [.integer(rowid)]) { $0.text(at: 0) ?? "" }
            }
            return (try words("before_words"), try words("now_words"))
        }
    }

    @Test("FTS5's ascii tokenizer finds in the index's text the words unicode61 found in the folded text (the index before migration 0009)")
    func searchTextWords() async throws {
        let tokenizers = try Tokenizers(directory: TemporaryDirectory())
        let text = Gen<Character?>.element(of: Self.foldingAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 3000, input: text) { text in
            let words = try tokenizers.words(text)
            #expect(words.now == words.before, "\(Array(text.unicodeScalars))")
        }
    }

    @Test("a search splits what is typed into the words FTS5's ascii tokenizer finds in the index's text for it")
    func searchWordsAreIndexWords() async throws {
        let tokenizers = try Tokenizers(directory: TemporaryDirectory())
        let text = Gen<Character?>.element(of: Self.foldingAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 3000, input: text) { text in
            let searched = SearchText.phrases(text).map { String($0.dropFirst().dropLast(2)) }
            let indexed = try tokenizers.words(text).now
            #expect(searched == Array(indexed.prefix(32)), "\(Array(text.unicodeScalars))")
        }
    }

    @Test("the index's text written into an encoded row encodes what making it and appending it does, after other values too")
    func searchTextIntoRow() async {
        let text = Gen<Character?>.element(of: Self.foldingAlphabet).map { $0 ?? "a" }.string(of: 0...24)
        await propertyCheck(count: 3000, input: text, text) { first, second in
            var folded = EncodedRow()
            folded.append(integer: Int64(7))
            folded.append(searchText: first)
            folded.append(searchText: nil as String?)
            folded.append(searchText: second)
            var general = EncodedRow()
            general.append(integer: Int64(7))
            general.append(text: TextFolding.searchText(first))
            general.appendNull()
            general.append(text: TextFolding.searchText(second))
            #expect(folded.bytes == general.bytes && folded.count == 4, "\(Array(first.unicodeScalars)) \(Array(second.unicodeScalars))")
        }
    }

    @Test("the streaming UTF-8 check agrees with Swift's validation, however the bytes are split into chunks")
    func utf8Validation() async {
        // ASCII runs (the eight-byte path), Polish letters, and bytes that break sequences.
        let pieces: [[UInt8]] = [
            Array("abcdefgh".utf8), Array("x;y".utf8), Array("ł".utf8), Array("„".utf8), Array("😀".utf8),
            [0x80], [0xC3], [0xE2, 0x80], [0xF0, 0x9F], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ]
        let input = Gen<[UInt8]?>.element(of: pieces).map { $0 ?? [] }.array(of: 0...40)
        await propertyCheck(count: 3000, input: input, Gen<Int>.int(in: 1...17)) { parts, chunk in
            let bytes = parts.flatMap { $0 }
            var whole = Codepage.UTF8Validator()
            bytes.withUnsafeBufferPointer { whole.feed($0) }
            whole.finish()
            var chunked = Codepage.UTF8Validator()
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                bytes[offset..<end].withUnsafeBufferPointer { chunked.feed($0) }
                offset = end
            }
            chunked.finish()
            #expect((whole.invalidOffset == nil) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            #expect(whole.invalidOffset == chunked.invalidOffset, "\(bytes) in chunks of \(chunk)")
        }
    }

    @Test("the audit hash is SHA-256 over the previous hash and the canonical JSON of the entry")
    func auditHashFormat() async {
        let optional = Gen<String?>.element(of: ["-", "", "x"]).map { $0 == "-" ? nil : $0 }
        // The object id never equals the batch id ("o…" against nil, "" or "x"), so a hash that
        // swapped the two fields would differ from the expected one.
        let objectID = Gen<Character?>.element(of: Self.alphabet).map { $0 ?? "a" }.string(of: 0...6).map { "o" + $0 }
        await propertyCheck(count: 300, input: Self.field, Self.field, optional, objectID) { before, after, batch, object in
            let entry = JSONValue.object([
                "seq": .int(42), "recorded_at": .string("2026-01-01T00:00:00.000000Z"), "actor": .string("ania \"Ł\""),
                "action": .string("entity.update"), "object_type": .string("entity"), "object_id": .string(object),
                "before": .string(before), "after": .string(after), "batch_id": .string(batch),
            ])
            let expected = SHA256.hash(data: Data(("f00d\n" + entry.canonical).utf8)).hexString
            #expect(AuditEntry.computeHash(
                seq: 42, recordedAt: "2026-01-01T00:00:00.000000Z", actor: "ania \"Ł\"", action: "entity.update",
                objectType: "entity", objectID: object, before: before, after: after, batchID: batch, prevHash: "f00d") == expected)
        }
    }

    /// The shape rules as first written with Characters: the byte-level checks must agree with them.
    enum Reference {
        /// The character-level web-address rule the byte-level `WebAddress` replaced.
        static func web(_ trimmed: String) -> Bool {
            var rest = Substring(trimmed)
            for scheme in ["https://", "http://"] where rest.prefix(8).lowercased().hasPrefix(scheme) {
                rest = rest.dropFirst(scheme.count)
            }
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && host.contains(".") && !host.hasPrefix(".") && !host.hasSuffix(".")
                && !trimmed.contains(where: \.isWhitespace) && !rest.contains("://")
        }

        static func email(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
                && !parts[1].hasSuffix(".") && !parts[1].contains("..")
                && !text.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" })
        }

        static func phone(_ text: String) -> Bool {
            var digits = 0
            var rest = Substring(text)
            while let character = rest.first {
                if rest.hasPrefix("wew.") { rest = rest.dropFirst(4); continue }
                if character.isASCII, character.isNumber { digits += 1 } else if !" +-()/".contains(character) { return false }
                rest = rest.dropFirst()
            }
            return digits >= 5
        }
    }

    @Test("e-mail and phone checks accept exactly what the character-level rules accept")
    func contactShapes() async {
        let alphabet: [Character] = ["a", "@", ".", " ", ",", ";", "1", "2", "3", "+", "-", "(", ")", "/", "w", "e", "ł", "\u{A0}", "\t", "x"]
        let text = Gen<Character?>.element(of: alphabet).map { $0 ?? "a" }.string(of: 0...14)
        await propertyCheck(count: 4000, input: text) { raw in
            let text = raw.trimmed
            #expect(((try? EmailAddress(text)) != nil) == Reference.email(text), "\(text)")
            #expect(((try? PhoneNumber(text)) != nil) == Reference.phone(text), "\(text)")
        }
        for text in ["biuro@example.pl", "a@b.c", "a@@b.c", "@b.c", "a@.b", "a@b.", "a@b..c", "a b@c.d", "wew.12345", "+48 89 523 40 11 wew. 12"] {
            #expect(((try? EmailAddress(text)) != nil) == Reference.email(text), "\(text)")
            #expect(((try? PhoneNumber(text)) != nil) == Reference.phone(text), "\(text)")
        }
    }

    @Test("web-address checks accept exactly what the character-level rule accepts")
    func webShapes() async {
        let alphabet: [Character] = ["h", "t", "p", "s", "H", "T", "P", "S", ":", "/", ".", "?", "#", "a", " ", "ł", "\u{A0}", "\u{1A}", "\t"]
        let text = Gen<Character?>.element(of: alphabet).map { $0 ?? "a" }.string(of: 0...16)
        await propertyCheck(count: 4000, input: text) { raw in
            let text = raw.trimmed
            #expect(((try? WebAddress(text)) != nil) == Reference.web(text), "\(text)")
        }
        for text in ["https://cis.olsztyn.pl/o-nas", "HTTP://a.pl", "https://http://a.pl", "http://a.pl://x", "www.kgw.pl?x=http://b",
                     ".a.pl", "a.pl.", "http://", "a b.pl", "hTtPs://x.y#z"] {
            #expect(((try? WebAddress(text)) != nil) == Reference.web(text), "\(text)")
        }
    }

    @Test("PKD codes parse exactly when they match NN.NN.L with optional dots, and normalise to it")
    func pkdShapes() async {
        let alphabet: [Character] = ["5", "6", "2", "9", "0", ".", "Z", "z", "a", "ł", " ", "[", "@", "\u{A0}"]
        let text = Gen<Character?>.element(of: alphabet).map { $0 ?? "5" }.string(of: 0...9)
        func reference(_ raw: String) -> String? {
            let compact = Array(raw.trimmed)
            let pattern = /^([0-9][0-9])\.?([0-9][0-9])\.?([A-Za-z])$/
            guard let match = String(compact).wholeMatch(of: pattern) else { return nil }
            return "\(match.1).\(match.2).\(match.3.uppercased())"
        }
        await propertyCheck(count: 4000, input: text) { raw in
            #expect((try? PKD(raw))?.code == reference(raw), "\(raw)")
        }
        for text in ["56.29.Z", "5629z", " 56.29Z ", "56..29.Z", "56.29.", "56.29.ZZ", "56.29.ł", "56.29.["] {
            #expect((try? PKD(text))?.code == reference(text), "\(text)")
        }
    }

    @Test("trimming removes exactly the leading and trailing white space, as Foundation does")
    func trimming() async {
        // Every white-space scalar, and scalars whose bytes come close to theirs.
        let alphabet: [Character] = [
            "a", " ", "\t", "\n", "\r\n", "\u{A0}", "\u{2003}", "ł", "é", "\u{301}", "1", "~", "\u{B}", "\u{C}", "\r",
            "\u{85}", "\u{1680}", "\u{2000}", "\u{200A}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}",
            "\u{200B}", "\u{2060}", "\u{1681}", "\u{3001}", "\u{A1}", "\u{84}", "„", "”", "Ż", "\u{0}", "\u{1F}", "中",
        ]
        let text = Gen<Character?>.element(of: alphabet).map { $0 ?? "a" }.string(of: 0...8)
        await propertyCheck(count: 4000, input: text) { raw in
            #expect(raw.trimmed == raw.trimmingCharacters(in: .whitespacesAndNewlines), "\(raw.debugDescription)")
            #expect(Substring(raw).trimmed == raw.trimmed, "\(raw.debugDescription)")
        }
    }

    @Test("Polish dates with one- or two-digit day and month parse; anything else is refused as before")
    func polishDates() async throws {
        let alphabet: [Character] = ["0", "1", "2", "3", "9", ".", "-", " ", "a"]
        let text = Gen<Character?>.element(of: alphabet).map { $0 ?? "1" }.string(of: 0...11)
        await propertyCheck(count: 4000, input: text) { raw in
            let pieces = raw.trimmed.split(separator: ".", omittingEmptySubsequences: false)
            var expected: LocalDate?
            if raw.trimmed.utf8.count == 10, let iso = LocalDate(iso: raw.trimmed) {
                expected = iso
            } else if pieces.count == 3, (1...2).contains(pieces[0].count), (1...2).contains(pieces[1].count), pieces[2].count == 4,
               pieces.allSatisfy({ $0.allSatisfy { $0 >= "0" && $0 <= "9" } }),
               let day = Int(pieces[0]), let month = Int(pieces[1]), let year = Int(pieces[2]) {
                expected = LocalDate(year: year, month: month, day: day)
            }
            #expect((try? LocalDate.parse(raw, field: "d")) == expected, "\(raw)")
        }
        #expect(try LocalDate.parse("1.2.2020", field: "d") == LocalDate(year: 2020, month: 2, day: 1))
        #expect(try LocalDate.parse("31.12.2020", field: "d") == LocalDate(year: 2020, month: 12, day: 31))
    }

    @Test("an entity's audit text is the canonical JSON of its audit state")
    func auditText() async {
        let optional = Gen<Character?>.element(of: Self.alphabet).map { $0 ?? "a" }.string(of: 0...6).map { $0.isEmpty ? nil : $0 }
        await propertyCheck(count: 500, input: Self.field, optional, optional, Gen.int(in: -1...500)) { name, street, note, number in
            var fields = EntityFields(kind: .cis, name: name)
            fields.street = street
            fields.note = note
            fields.capacity = number < 0 ? nil : number
            fields.latitude = number % 3 == 0 ? nil : 50 + Double(number) / 1000
            fields.longitude = number % 2 == 0 ? 19.5 : nil
            let entity = Entity(id: "01900000-0000-7000-8000-000000000001", version: number + 2, fields: fields,
                                closedOn: number % 5 == 0 ? LocalDate(iso: "2025-01-31") : nil, closeReason: note,
                                createdAt: "x", updatedAt: "y")
            #expect(entity.auditText == entity.auditState.canonical)
        }
    }
}
