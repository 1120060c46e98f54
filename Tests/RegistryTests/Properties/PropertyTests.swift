import Foundation
import PropertyBased
import Testing
@testable import Registry

/// Properties checked over generated inputs (x-sheep/swift-property-based; failures print a seed to replay).
@Suite("Properties")
struct PropertyTests {
    /// Characters that stress CSV: delimiters, quotes, CR, LF, CRLF, spaces, Polish letters.
    static let alphabet: [Character] = ["a", "Ż", "ł", "ó", " ", ",", ";", "\t", "\"", "\n", "\r", "\r\n", "x", "1", "ą", "„"]
    static let field = Gen<Character?>.element(of: alphabet).map { $0 ?? "a" }.string(of: 0...10)

    @Test("any records written as CSV read back the same, for each delimiter", arguments: [UInt8(44), 59, 9])
    func csvRoundTrip(_ delimiter: UInt8) async {
        let directory = TemporaryDirectory()
        await propertyCheck(count: 150, input: Self.field.array(of: 3).array(of: 1...25)) { records in
            let path = directory.file("p-\(UUID().uuidString).csv")
            do {
                var writer = try CSVWriter(path: path, delimiter: delimiter, lineEnding: "\r\n", byteOrderMark: true)
                try writer.write(["a", "b", "c"])
                for record in records { try writer.write(record) }
                try writer.close()
                let reader = try CSVReader(path: path, delimiter: delimiter)
                var read: [[String]] = []
                while let record = try reader.next() { read.append(record.fields) }
                #expect(read == records)
            } catch {
                Issue.record("\(error)")
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

    @Test("dates survive ISO and Polish formatting, and day counts round-trip")
    func dates() async {
        await propertyCheck(count: 1000, input: Gen.int(in: -300_000...2_900_000)) { days in
            let date = LocalDate(daysSinceEpoch: days)
            guard (1000...9999).contains(date.year) else { return }
            #expect(date.daysSinceEpoch == days)
            #expect(LocalDate(iso: date.description) == date)
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
}
