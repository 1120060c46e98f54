import Foundation
import PropertyBased
import Testing
@testable import Registry

/// The valid-time model checked against a reference model (`BitemporalModel`, a list of writes
/// replayed naively): for random histories, every answer of `query`, `map` and `report changes`
/// for a day D as known at a moment T equals the model's (issue 23, "Tests and proof").
@Suite("Bitemporal properties")
struct BitemporalPropertyTests {
    typealias Model = BitemporalModel

    /// A moment after every write: its answers must be those of now.
    static let afterAll = "2099-01-01T00:00:00.000000Z"
    /// Days checked in every case besides those the history names.
    static let fixedDays = ["2019-12-31", "2020-01-01", "2024-06-01", "2025-06-30", "2027-12-31"].map(BitemporalHistory.day)

    // Shrinking is off: each case takes about a second, and the seed printed replays the case.
    @Test(
        "for random histories, every (day, moment of knowledge) answer of query, map and report changes equals the model's",
        .shrinking(false))
    func answersMatchTheModel() async {
        await propertyCheck(
            count: 100, input: Gen.int(in: 0...999_999).array(of: 120...400), Gen.int(in: 5...25), Gen.int(in: 2...6)
        ) { tape, steps, maxEntities in
            do {
                let history = try BitemporalHistory(tape: tape)
                history.run(steps: steps, maxEntities: maxEntities)
                var mismatches = history.problems
                mismatches += try Self.compare(history)
                if !mismatches.isEmpty {
                    Issue.record("""
                        \(mismatches.prefix(6).joined(separator: "\n"))\(mismatches.count > 6 ? "\n… \(mismatches.count - 6) more" : "")
                        History:
                        \(history.log.joined(separator: "\n"))
                        """)
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    // MARK: One rule at a time

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso) ?? LocalDate(daysSinceEpoch: 0) }

    /// The ids, versions and TERYT codes `query` lists on `day` as known at `cutoff`, within `region`.
    static func listed(_ registry: Registry, on day: String, at cutoff: String? = nil, region: String? = nil) throws -> [String] {
        try rows(registry, .active, on: date(day).daysSinceEpoch, at: cutoff, region: region)
            .map { "\($0.name) v\($0.version) \($0.kind) \($0.teryt ?? "-")" }
    }

    /// A new registry with one entity added on 10 January 2025 at 12:00 UTC.
    static func registry(with input: EntityInput) throws -> (TestRegistry, Entity) {
        let test = try TestRegistry(start: "2025-01-01T12:00:00Z")
        test.clock.set("2025-01-10T12:00:00Z")
        return (test, try test.registry.addEntity(input))
    }

    @Test("a past-dated update recorded later changes the answers for days from its date as known now, not as known before")
    func pastDatedUpdate() throws {
        let (test, entity) = try Self.registry(with: [.kind: "fundacja", .name: "Fundacja Olsztyn", .teryt: "2862011", .foundedOn: "2020-01-01"])
        let registry = test.registry
        test.clock.set("2025-03-01T12:00:00Z")
        let moved = try registry.updateEntity(entity.id, [.teryt: "1061011"], effectiveOn: Self.date("2024-06-01"))
        #expect(moved.entity.updatedAt == "2025-03-01T12:00:00.000000Z")
        let before = "2025-02-28T12:00:00.000000Z"

        // As known now: in Łódź from 1 June 2024, in Olsztyn until then.
        #expect(try Self.listed(registry, on: "2024-05-31") == ["Fundacja Olsztyn v1 fundacja 2862011"])
        #expect(try Self.listed(registry, on: "2024-06-01") == ["Fundacja Olsztyn v2 fundacja 1061011"])
        #expect(try Self.listed(registry, on: "2024-06-01", region: "28").isEmpty)
        // As known before the update was recorded: in Olsztyn on every day.
        #expect(try Self.listed(registry, on: "2024-06-01", at: before) == ["Fundacja Olsztyn v1 fundacja 2862011"])
        #expect(try Self.listed(registry, on: "2025-02-01", at: before, region: "28") == ["Fundacja Olsztyn v1 fundacja 2862011"])

        let now = try registry.map(level: .wojewodztwo, on: Self.date("2024-07-01"))
        let then = try registry.map(level: .wojewodztwo, on: Self.date("2024-07-01"), recordedAt: before)
        #expect(now.units.filter { $0.entityCount > 0 }.map(\.code) == ["10"])
        #expect(then.units.filter { $0.entityCount > 0 }.map(\.code) == ["28"])

        let report = try registry.changeReport(from: Self.date("2024-01-01"), to: Self.date("2024-12-31"), region: "28")
        #expect(report.changes.map { "\($0.change.rawValue) \($0.teryt ?? "-")" } == ["moved_out 2862011"])
        #expect(report.kinds == [ChangeReport.KindCount(kind: "fundacja", from: 1, to: 0)])
        let asSent = try registry.changeReport(
            from: Self.date("2024-01-01"), to: Self.date("2024-12-31"), region: "28", recordedAt: before)
        #expect(asSent.changes.isEmpty)
        #expect(asSent.kinds == [ChangeReport.KindCount(kind: "fundacja", from: 1, to: 1)])
    }

    @Test("a future effective date is a scheduled change: it takes effect on that day, with no further write")
    func scheduledChange() throws {
        let (test, entity) = try Self.registry(with: [.kind: "cis", .name: "CIS Bartoszyce", .teryt: "2801011", .foundedOn: "2021-05-05"])
        let registry = test.registry
        test.clock.set("2025-01-10T13:00:00Z")
        try registry.updateEntity(entity.id, [.kind: "kis"], effectiveOn: Self.date("2025-04-01"))

        #expect(try Self.listed(registry, on: "2025-03-31") == ["CIS Bartoszyce v1 cis 2801011"])
        #expect(try Self.listed(registry, on: "2025-04-01") == ["CIS Bartoszyce v2 kis 2801011"])
        // Today (10 January) the entity is still a CIS; on 1 April it is a KIS without anyone writing.
        var kinds: [String] = []
        try registry.query(EntityQuery()) { kinds.append($0.fields.kind.rawValue) }
        test.clock.set("2025-04-01T12:00:00Z")
        try registry.query(EntityQuery()) { kinds.append($0.fields.kind.rawValue) }
        #expect(kinds == ["cis", "kis"])
        #expect(try registry.entity(entity.id, on: nil, recordedAt: nil).fields.kind == .kis)

        let report = try registry.changeReport(from: Self.date("2025-03-31"), to: Self.date("2025-04-01"), region: "28")
        #expect(report.changes.map { "\($0.change.rawValue) \($0.previousKind ?? "-")→\($0.kind)" } == ["kind_changed cis→kis"])
        let map = try registry.map(level: .powiat, region: "28", on: Self.date("2025-04-01"))
        #expect(map.units.first { $0.code == "2801" }?.entities == ["kis": 1])
    }

    @Test("two versions with the same effective date: the later recorded one holds, as known after it was recorded")
    func sameEffectiveDateTwice() throws {
        let (test, entity) = try Self.registry(with: [.kind: "fundacja", .name: "Fundacja", .teryt: "2801011", .foundedOn: "2022-02-02"])
        let registry = test.registry
        test.clock.set("2025-02-10T12:00:00Z")
        try registry.updateEntity(entity.id, [.kind: "stowarzyszenie"], effectiveOn: Self.date("2025-02-01"))
        test.clock.set("2025-03-10T12:00:00Z")
        try registry.updateEntity(entity.id, [.kind: "kis"], effectiveOn: Self.date("2025-02-01"))

        #expect(try Self.listed(registry, on: "2025-01-31") == ["Fundacja v1 fundacja 2801011"])
        #expect(try Self.listed(registry, on: "2025-02-01") == ["Fundacja v3 kis 2801011"])
        #expect(try Self.listed(registry, on: "2025-02-01", at: "2025-03-01T00:00:00.000000Z") == ["Fundacja v2 stowarzyszenie 2801011"])
        #expect(try Self.listed(registry, on: "2025-02-01", at: "2025-02-01T00:00:00.000000Z") == ["Fundacja v1 fundacja 2801011"])
        let history = try registry.entityHistory(entity.id, on: Self.date("2025-02-01"))
        #expect(history.map(\.inEffect) == [false, false, true])
    }

    @Test("a write at 23:30 UTC is on the next Polish day: the first recorded day and the default effective date")
    func lateWriteIsNextPolishDay() throws {
        let test = try TestRegistry(start: "2025-01-01T12:00:00Z")
        let registry = test.registry
        test.clock.set("2025-01-10T23:30:00Z")
        let undated = try registry.addEntity([.kind: "kgw", .name: "KGW bez daty", .teryt: "2801044"])
        #expect(try Self.listed(registry, on: "2025-01-10").isEmpty)
        #expect(try Self.listed(registry, on: "2025-01-11") == ["KGW bez daty v1 kgw 2801044"])
        test.clock.set("2025-07-20T23:30:00Z")
        let updated = try registry.updateEntity(undated.id, [.kind: "stowarzyszenie"])
        #expect(updated.entity.effectiveOn == Self.date("2025-07-21"))
        #expect(try Self.listed(registry, on: "2025-07-20") == ["KGW bez daty v1 kgw 2801044"])
        #expect(try Self.listed(registry, on: "2025-07-21") == ["KGW bez daty v2 stowarzyszenie 2801044"])
        // Bisztynek's town part counts in its urban-rural commune.
        let map = try registry.map(level: .gmina, region: "2801", on: Self.date("2025-07-21"))
        #expect(map.units.filter { $0.entityCount > 0 }.map(\.code) == ["2801043"])
        let report = try registry.changeReport(from: Self.date("2025-01-10"), to: Self.date("2025-01-11"), region: "28")
        #expect(report.changes.map(\.change) == [.appeared])
        #expect(report.withoutFoundingDate.map(\.id) == [undated.id])
    }

    @Test("an entity without a TERYT code that gets one in the region has moved in; one that loses it has moved out")
    func movesFromNoCode() throws {
        let (test, entity) = try Self.registry(with: [.kind: "fundacja", .name: "Fundacja bez gminy", .foundedOn: "2020-01-01"])
        let registry = test.registry
        try registry.updateEntity(entity.id, [.teryt: "2801011"], effectiveOn: Self.date("2024-06-01"))
        let moves = try registry.changeReport(from: Self.date("2024-01-01"), to: Self.date("2024-12-31"), region: "28")
        #expect(moves.changes.map(\.change) == [.movedIn])
        let back = try registry.changeReport(from: Self.date("2024-01-01"), to: Self.date("2024-12-31"), region: "10")
        #expect(back.changes.isEmpty)
        test.clock.set("2025-01-10T13:00:00Z")
        try registry.updateEntity(entity.id, [.teryt: ""], effectiveOn: Self.date("2024-09-01"))
        let out = try registry.changeReport(from: Self.date("2024-07-01"), to: Self.date("2024-12-31"), region: "28")
        #expect(out.changes.map(\.change) == [.movedOut])
    }

    // MARK: Comparing the registry with the model

    /// Every mismatch between the registry's answers and the model's over the grid of days and
    /// moments the history calls for (the first few of each question).
    /// The map's levels within a region and over the whole registry.
    static let mapScopes: [(MapLevel, String?)] = [
        (.wojewodztwo, nil), (.powiat, "28"), (.gmina, "28"), (.powiat, nil), (.gmina, nil), (.wojewodztwo, "28"),
    ]
    /// The regions and levels of change reports: the whole registry, a voivodeship by county, a
    /// county by commune, the other voivodeship.
    static let reportScopes: [(String?, MapLevel?)] = [(nil, nil), ("28", .powiat), ("2801", .gmina), ("10", .wojewodztwo)]

    /// Every mismatch between the registry's answers and the model's over the grid of days and
    /// moments the history calls for (the first 20).
    ///
    /// Every pair gets `query --status all`; the other questions cost more (a map or report is a
    /// dozen statements) and go round the pairs: active and closed listings and region listings each at an
    /// eighth of them, one map scope at a twentieth, two change reports a moment. Days are those
    /// the history names and the day before each (a boundary off by one either way shows there).
    static func compare(_ history: BitemporalHistory) throws -> [String] {
        let registry = history.test.registry
        let model = history.model
        var days = Set(fixedDays)
        for day in history.days { days.formUnion([day - 1, day]) }
        let sortedDays = days.sorted()
        // Before any write, every write's stamp, one between two writes, after the last one, now.
        let middle = history.stamps[history.stamps.count / 2]
        var cutoffs: [String?] = [BitemporalHistory.start] + history.stamps.map { $0 }
        cutoffs += [String(middle.prefix(17)) + "30.000000Z", afterAll, nil]
        var mismatches: [String] = []
        func mismatch(_ text: String) {
            if mismatches.count < 20 { mismatches.append(text) }
        }

        for (t, cutoff) in cutoffs.enumerated() {
            for (d, day) in sortedDays.enumerated() {
                let at = "on \(Model.day(day)) as known at \(cutoff ?? "now")"
                let turn = t + d
                var listings: [(EntityQuery.Status, String?)] = [(.all, nil)]
                if turn % 8 == 1 { listings.append((.active, nil)) }
                if turn % 8 == 5 { listings.append((.closed, nil)) }
                if turn % 8 == 3 { listings.append((.all, turn % 16 == 3 ? "28" : "2801")) }
                for (status, region) in listings {
                    let expected = model.rows(status, on: day, at: cutoff, prefix: region ?? "")
                    let actual = try rows(registry, status, on: day, at: cutoff, region: region)
                    if actual != expected {
                        mismatch("query --status \(status) --region \(region ?? "-") \(at):\n  model    \(expected)\n  registry \(actual)")
                    }
                }
                if turn % 20 == 0 {
                    let (level, region) = mapScopes[turn / 20 % mapScopes.count]
                    if let difference = try compareMap(registry, model, level: level, region: region, on: day, at: cutoff) {
                        mismatch("map --level \(level) --region \(region ?? "-") \(at): \(difference)")
                    }
                }
            }
            // Two change reports a moment: the first and last days, and two days that go round.
            let count = sortedDays.count
            for (index, (first, second)) in [(0, count - 1), ((t * 7 + 3) % count, (t * 5 + 1) % count)].enumerated() {
                let (from, to) = (sortedDays[min(first, second)], sortedDays[max(first, second)])
                let (region, level) = reportScopes[(t + index) % reportScopes.count]
                if let difference = try compareReport(registry, model, from: from, to: to, region: region, level: level, at: cutoff) {
                    mismatch("report changes --from \(Model.day(from)) --to \(Model.day(to)) --region \(region ?? "-") "
                             + "as known at \(cutoff ?? "now"): \(difference)")
                }
            }
        }
        // What was known after the last write is what is known now.
        for day in sortedDays {
            let later = try rows(registry, .all, on: day, at: afterAll)
            let now = try rows(registry, .all, on: day, at: nil)
            if later != now { mismatch("query on \(Model.day(day)): as known at \(afterAll) \(later), now \(now)") }
        }
        return mismatches
    }

    static func rows(
        _ registry: Registry, _ status: EntityQuery.Status, on day: Int, at cutoff: String?, region: String? = nil
    ) throws -> [Model.Row] {
        var query = EntityQuery()
        query.status = status
        query.on = LocalDate(daysSinceEpoch: day)
        query.recordedAt = cutoff
        query.region = region
        query.sort = .added
        var rows: [Model.Row] = []
        try registry.query(query) { entity in
            rows.append(Model.Row(
                id: entity.id, version: entity.version, kind: entity.fields.kind.rawValue, name: entity.fields.name,
                teryt: entity.fields.teryt, founded: entity.fields.foundedOn?.daysSinceEpoch,
                closed: entity.closedOn?.daysSinceEpoch, status: entity.status))
        }
        return rows.sorted()
    }

    /// Counts without their zeros, by unit.
    static func nonZero(_ counts: [(String, [String: Int])]) -> [String: [String: Int]] {
        var result: [String: [String: Int]] = [:]
        for (unit, values) in counts {
            let kept = values.filter { $0.value != 0 }
            if !kept.isEmpty { result[unit] = kept }
        }
        return result
    }

    /// How the map differs from the model's, or nil.
    static func compareMap(
        _ registry: Registry, _ model: Model, level: MapLevel, region: String?, on day: Int, at cutoff: String?
    ) throws -> String? {
        let map = try registry.map(level: level, region: region, on: LocalDate(daysSinceEpoch: day), recordedAt: cutoff)
        let expected = model.map(level: level, prefix: region ?? "", on: day, at: cutoff)
        let entities = nonZero(map.units.map { ($0.code, $0.entities) })
        let holders = nonZero(map.units.map { ($0.code, $0.holders) })
        var differences: [String] = []
        if entities != expected.entities { differences.append("entities: model \(expected.entities), registry \(entities)") }
        if holders != expected.holders { differences.append("holders: model \(expected.holders), registry \(holders)") }
        if map.unplaced != expected.unplaced { differences.append("unplaced: model \(expected.unplaced), registry \(map.unplaced)") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    /// How the change report differs from the model's, or nil.
    static func compareReport(
        _ registry: Registry, _ model: Model, from: Int, to: Int, region: String?, level: MapLevel?, at cutoff: String?
    ) throws -> String? {
        let report = try registry.changeReport(
            from: LocalDate(daysSinceEpoch: from), to: LocalDate(daysSinceEpoch: to), region: region, level: level,
            recordedAt: cutoff)
        let expected = model.changes(from: from, to: to, prefix: region ?? "", level: level, at: cutoff)
        var kinds: [String: [Int]] = [:]
        for count in report.kinds { kinds[count.kind] = [count.from, count.to] }
        var units: [String: [String: [Int]]] = [:]
        for unit in report.units {
            for count in unit.kinds where count.from != 0 || count.to != 0 { units[unit.code, default: [:]][count.kind] = [count.from, count.to] }
        }
        let changes = report.changes.map {
            Model.Change(change: $0.change.rawValue, id: $0.id, kind: $0.kind, previousKind: $0.previousKind, teryt: $0.teryt)
        }.sorted()
        let undated = report.withoutFoundingDate.map(\.id).sorted()
        var differences: [String] = []
        if kinds != expected.kinds { differences.append("kinds: model \(expected.kinds), registry \(kinds)") }
        if units != expected.units { differences.append("units: model \(expected.units), registry \(units)") }
        if changes != expected.changes { differences.append("changes: model \(expected.changes), registry \(changes)") }
        if undated != expected.undated {
            differences.append("without founding date: model \(expected.undated.map { $0.suffix(6) }), registry \(undated.map { $0.suffix(6) })")
        }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }
}
