import Foundation
import Testing
@testable import Registry

/// `--recorded-at` and `--since` as a user types them (`Timestamp.parse`).
@Suite("Recorded times as typed")
struct TimestampTests {
    static let refusal = "must be a date (YYYY-MM-DD or DD.MM.YYYY, the end of that Polish day) or a time (YYYY-MM-DDTHH:MM[:SS] with Z or an offset)"

    // The days and their exact first and last microseconds, winter, summer and the two Sundays.
    @Test("a date stands for the end of that Polish day, or its start when asked", arguments: WarsawTimeTests.boundaries)
    func dates(_ day: String, _ start: String, _ end: String) throws {
        #expect(try Timestamp.parse(day, field: "recorded-at") == end)
        #expect(try Timestamp.parse(" \(day)\n", field: "recorded-at", day: .end) == end)
        #expect(try Timestamp.parse(day, field: "since", day: .start) == start)
    }

    @Test("ISO 8601 times with Z or an offset become the UTC stamp; without a zone they are UTC", arguments: [
        ("2026-11-22T15:40:01Z", "2026-11-22T15:40:01.000000Z"),
        ("2026-11-22T15:40:01.5Z", "2026-11-22T15:40:01.500000Z"),
        ("2026-11-22T15:40:01.250Z", "2026-11-22T15:40:01.250000Z"),
        ("2026-11-22T17:40:01+02:00", "2026-11-22T15:40:01.000000Z"),
        ("2026-11-23T01:10:01+09:30", "2026-11-22T15:40:01.000000Z"),
        ("2026-11-22T10:40:01-05:00", "2026-11-22T15:40:01.000000Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00.000000Z"),
        ("2024-02-28T23:30:00-01:00", "2024-02-29T00:30:00.000000Z"),
        ("2026-11-22T17:40:01.5+02:00", "2026-11-22T15:40:01.500000Z"),
        ("2026-11-22T15:40:01", "2026-11-22T15:40:01.000000Z"),
        ("2026-11-22T15:40", "2026-11-22T15:40:00.000000Z"),
        ("2026-11-22T15:40Z", "2026-11-22T15:40:00.000000Z"),
        ("2026-11-22T17:40+02:00", "2026-11-22T15:40:00.000000Z"),
        ("2026-11-22T15:40:01.123456Z", "2026-11-22T15:40:01.123456Z"),
        ("2026-11-22T15:40:01.1234569Z", "2026-11-22T15:40:01.123456Z"),
        (" 2026-11-22T15:40:01Z\n", "2026-11-22T15:40:01.000000Z"),
    ])
    func times(_ text: String, _ stamp: String) throws {
        #expect(try Timestamp.parse(text, field: "recorded-at") == stamp)
        // A day boundary only matters for bare dates.
        #expect(try Timestamp.parse(text, field: "recorded-at", day: .start) == stamp)
    }

    @Test("days that do not exist are refused as such", arguments: [
        "2025-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2025-02-29T10:00Z", "2026-06-31T10:00:00+02:00",
    ])
    func impossibleDays(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "recorded-at", value: text, rule: "is not a real calendar date")) {
            try Timestamp.parse(text, field: "recorded-at")
        }
    }

    @Test("a Polish date DD.MM.YYYY is the same Polish day as YYYY-MM-DD")
    func polishDate() throws {
        #expect(try Timestamp.parse("22.11.2026", field: "recorded-at") == (try Timestamp.parse("2026-11-22", field: "recorded-at")))
        #expect(try Timestamp.parse("1.7.2026", field: "since", day: .start) == "2026-06-30T22:00:00.000000Z")
        #expect(throws: RegistryError.invalidValue(field: "recorded-at", value: "31.02.2026", rule: "is not a real calendar date")) {
            try Timestamp.parse("31.02.2026", field: "recorded-at")
        }
    }

    @Test("other shapes are refused, naming the field and the forms accepted", arguments: [
        "yesterday", "22.11.2026T10:00", "2026/11/22", "2026-11-22 15:40:01", "2026-11-22T25:00:00Z", "2026-11-22T15:40:01+25:00", "",
        "2026-11-22T15:40:01Z' OR 1=1", "2026-11-22T15:40:60Z", "2026-11-22T15:60Z", "2026-11-22T15Z", "2026-11-22T15:40:01.Z",
        "2026-11-22t15:40Z", "２０２６-11-22T15:40Z", "0999-12-31", "0999-12-31T10:00Z",
    ])
    func otherShapes(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "since", value: text, rule: Self.refusal)) {
            try Timestamp.parse(text, field: "since", day: .start)
        }
    }

    @Test("--recorded-at as typed selects what the registry knew then: a date includes that whole Polish day")
    func recordedAtAsTyped() throws {
        let test = try TestRegistry(start: "2020-01-01T08:00:00Z")
        let registry = test.registry
        try registry.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Warmianka", .nip: "5260250274", .teryt: "2862011"])
        try registry.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Kormoran", .nip: "5425000801", .teryt: "2862011"])
        test.clock.set("2020-02-01T10:00:00Z")
        _ = try registry.grantCertificate(entity: "5260250274", scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: LocalDate(iso: "2020-01-01"), decisionNo: "ZP/1/2020", issuer: "ROPS Olsztyn", scope: "catering"))
        func holders(_ typed: String) throws -> [String] {
            let day = try LocalDate.parse("2020-01-15", field: "on")
            return try registry.holders(scheme: "zakup-prospoleczny", on: day,
                                        recordedAt: Timestamp.parse(typed, field: "recorded-at")).map(\.name)
        }
        #expect(try holders("2020-02-01") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-01-31").isEmpty)
        #expect(try holders("2020-02-01T10:00:00Z") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-02-01T11:00+01:00") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-02-01T10:59:59+01:00").isEmpty)
        #expect(try holders("2020-02-01T09:59:59.999Z").isEmpty)

        // Granted at 00:30 Polish time on 2 February (23:30 UTC on the 1st): not by the end of the 1st.
        test.clock.set("2020-02-01T23:30:00Z")
        _ = try registry.grantCertificate(entity: "5425000801", scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: LocalDate(iso: "2020-01-01"), decisionNo: "ZP/2/2020", issuer: "ROPS Olsztyn", scope: "catering"))
        #expect(try holders("2020-02-01") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-02-01T22:59:59.999999Z") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-02-02").sorted() == ["Spółdzielnia Socjalna Kormoran", "Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-02-01T23:30Z").sorted() == ["Spółdzielnia Socjalna Kormoran", "Spółdzielnia Socjalna Warmianka"])
    }
}
