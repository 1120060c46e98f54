import Foundation
@testable import Registry

/// A random history of writes made through the library, each at its own recorded time, and
/// mirrored in a `BitemporalModel` when the registry accepts it.
///
/// A tape of random numbers drives every choice; each choice is made against the model's state, so
/// any tape (a shrunk one too) gives a valid history: foundings, updates of kind, place, name or
/// founding date with past, present and future effective dates (some on a date another version
/// already has), closings, certificate grants and events, and writes the registry must refuse.
/// Writes are at 12:xx UTC (the Polish day is the UTC date) or, now and then, at 23:30 UTC (the
/// next Polish day).
final class BitemporalHistory {
    /// A finite stream of random numbers; 0 once it runs out.
    struct Tape {
        let values: [Int]
        var position = 0

        /// A number in `0..<bound` (0 for a bound below 2).
        mutating func next(_ bound: Int) -> Int {
            guard bound > 1 else { return 0 }
            defer { position += 1 }
            return position < values.count ? values[position] % bound : 0
        }

        mutating func pick<T>(_ items: [T]) -> T {
            items[next(items.count)]
        }
    }

    typealias Model = BitemporalModel

    static let kinds = ["fundacja", "stowarzyszenie", "cis", "kis", "spoldzielnia-socjalna"]
    /// Communes in two voivodeships, two in one county (Bartoszyce town, and the town part of
    /// urban-rural Bisztynek, which counts in its commune 2801043), and no code at all.
    static let codes: [String?] = ["2862011", "2801011", "2801044", "1061011", "1465011", nil]
    /// The shipped schemes used, with the kinds above they may be granted to (migration 0002).
    static let schemes: [(code: String, kinds: Set<String>)] = [
        ("przedsiebiorstwo-spoleczne", ["fundacja", "stowarzyszenie", "spoldzielnia-socjalna"]),
        ("znak-jakosci-es", Set(kinds)),
        ("status-cis", ["cis"]),
    ]
    /// When the registry is created; the first write is later.
    static let start = "2024-06-01T12:00:00.000000Z"
    /// The earliest founding date generated.
    static let firstFounding = day("2020-01-01")

    static func day(_ iso: String) -> Int { LocalDate(iso: iso)?.daysSinceEpoch ?? 0 }

    let test: TestRegistry
    private(set) var model = Model()
    private var tape: Tape
    /// The clock's stamp of every write, refused ones too, in order.
    private(set) var stamps: [String] = []
    /// Every day a write named or was recorded on.
    private(set) var days: Set<Int> = []
    /// One line a write, for failure messages.
    private(set) var log: [String] = []
    /// Where the registry's answer to a write differed from the model's.
    private(set) var problems: [String] = []

    /// The UTC date of the current write, its minute after 12:00, whether it is at 23:30 instead,
    /// its Polish day and its stamp.
    private var utcDay: Int
    private var minute = 1
    private var late = false
    private(set) var today: Int
    private var stamp = ""

    init(tape: [Int]) throws {
        test = try TestRegistry(start: String(Self.start.prefix(19)) + "Z")
        self.tape = Tape(values: tape)
        utcDay = Self.day(String(Self.start.prefix(10)))
        today = utcDay
    }

    /// Makes `steps` writes, founding at least 2 and at most `maxEntities` entities.
    func run(steps: Int, maxEntities: Int) {
        for _ in 0..<steps {
            advanceClock()
            if model.entities.count < 2 {
                add()
                continue
            }
            let choice = tape.next(100)
            let done: Bool
            switch choice {
            case 0..<15 where model.entities.count < maxEntities: add(); done = true
            case 0..<55: done = update()
            case 55..<67: done = close()
            case 67..<78: done = grant()
            case 78..<90: done = certificateEvent()
            default: done = refusedWrite()
            }
            if !done, !update() {
                log.append("\(stamp) (nothing to write)")
            }
        }
    }

    // MARK: The clock

    private func advanceClock() {
        var gap = tape.pick([0, 0, 1, 1, 2, 3, 7, 14, 30, 45, 90])
        if late || minute >= 59 { gap = max(gap, 1) }
        if gap > 0 {
            utcDay += gap
            minute = 0
        }
        late = gap > 0 && tape.next(10) == 0
        let date = Model.day(utcDay)
        stamp = late ? "\(date)T23:30:00.000000Z" : "\(date)T12:\(minute < 10 ? "0" : "")\(minute):00.000000Z"
        minute += 1
        // 23:30 UTC is 00:30 or 01:30 in Poland: the next day.
        today = late ? utcDay + 1 : utcDay
        test.clock.set(String(stamp.prefix(19)) + "Z")
        stamps.append(stamp)
        days.insert(today)
    }

    // MARK: Choices

    /// A day in `[low, high)` (nil when empty): often its ends, else any.
    private func day(in low: Int, _ high: Int) -> Int? {
        guard low < high else { return nil }
        switch tape.next(6) {
        case 0: return low
        case 1: return high - 1
        default: return low + tape.next(high - low)
        }
    }

    /// A day in `[low, high)` near today: before it, on it or after it (up to 400 days), or one
    /// another version of the entity already takes effect on; nil when the range is empty.
    private func effectiveDay(_ low: Int, _ high: Int, others: [Int]) -> Int? {
        guard low < high else { return nil }
        let candidate: Int
        switch tape.next(8) {
        case 0, 1, 2: candidate = low + tape.next(max(1, today - low))
        case 3: candidate = today
        case 4, 5: candidate = today + 1 + tape.next(400)
        case 6 where !others.isEmpty: candidate = tape.pick(others)
        default: candidate = low + tape.next(high - low)
        }
        return min(max(candidate, low), high - 1)
    }

    private func short(_ id: String) -> String { String(id.suffix(6)) }

    private func problem(_ text: String) {
        problems.append("\(stamp): \(text)")
    }

    // MARK: Writes

    private func add() {
        let number = model.entities.count + 1
        let kind = tape.pick(Self.kinds)
        let teryt = tape.pick(Self.codes)
        let founded = tape.next(5) == 0 ? nil : day(in: Self.firstFounding, today + 1)
        var input: EntityInput = [.kind: kind, .name: "Podmiot \(number)"]
        input[.teryt] = teryt
        input[.foundedOn] = founded.map(Model.day)
        do {
            let entity = try test.registry.addEntity(input)
            if entity.updatedAt != stamp { problem("add recorded at \(entity.updatedAt), not at the clock's \(stamp)") }
            model.entities.append(Model.Record(
                id: entity.id,
                versions: [Model.Version(number: 1, effective: founded ?? today, kind: kind, name: "Podmiot \(number)",
                                         teryt: teryt, founded: founded, closed: nil, recorded: stamp)],
                firstDay: today))
            if let founded { days.insert(founded) }
            log.append("\(stamp) add \(short(entity.id)) \(kind) \(teryt ?? "-") founded \(founded.map(Model.day) ?? "-")")
        } catch {
            problem("add \(input) refused: \(error)")
        }
    }

    /// One change of kind, place, name or founding date from an effective date.
    private func update() -> Bool {
        guard !model.entities.isEmpty else { return false }
        let index = tape.next(model.entities.count)
        let record = model.entities[index]
        guard let latest = record.versions.last else { return false }
        var kind = latest.kind, name = latest.name, teryt = latest.teryt, founded = latest.founded
        var input: EntityInput = [:]
        switch tape.next(10) {
        case 0..<4:
            kind = tape.pick(Self.kinds.filter { $0 != latest.kind })
            input[.kind] = kind
        case 4..<8:
            teryt = tape.pick(Self.codes.filter { $0 != latest.teryt })
            input[.teryt] = teryt ?? ""
        case 8:
            name = "Podmiot \(index + 1) wersja \(latest.number + 1)"
            input[.name] = name
        default:
            // A corrected founding date: by today, and not after the closing.
            guard let day = day(in: Self.firstFounding, min(today, latest.closed ?? today) + 1), day != latest.founded
            else { return false }
            founded = day
            input[.foundedOn] = Model.day(day)
        }
        // No founding date: no lower bound (the version counts from the first recorded day then).
        let low = founded ?? Self.firstFounding
        let high = latest.closed ?? today + 500
        let useDefault = tape.next(4) == 0 && low <= today && today < high
        guard let effective = useDefault ? today : effectiveDay(low, high, others: record.versions.dropFirst().map(\.effective))
        else { return false }
        do {
            let result = try test.registry.updateEntity(
                record.id, input, effectiveOn: useDefault ? nil : LocalDate(daysSinceEpoch: effective))
            if !result.changed || result.entity.version != latest.number + 1
                || result.entity.effectiveOn != LocalDate(daysSinceEpoch: effective) {
                problem("update \(short(record.id)) \(input): version \(result.entity.version), changed \(result.changed), "
                        + "effective \(result.entity.effectiveOn?.description ?? "-"), expected \(Model.day(effective))")
            }
        } catch {
            problem("update \(short(record.id)) \(input) effective \(Model.day(effective)) refused: \(error)")
            return true
        }
        model.entities[index].versions.append(Model.Version(
            number: latest.number + 1, effective: effective, kind: kind, name: name, teryt: teryt, founded: founded,
            closed: latest.closed, recorded: stamp))
        days.insert(effective)
        if let founded { days.insert(founded) }
        log.append("\(stamp) update \(short(record.id)) \(input.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")) "
                   + "effective \(useDefault ? "(default) " : "")\(Model.day(effective))")
        return true
    }

    private func close() -> Bool {
        let open = model.entities.indices.filter { model.entities[$0].versions.last?.closed == nil }
        guard !open.isEmpty else { return false }
        let index = tape.pick(open)
        let record = model.entities[index]
        guard let latest = record.versions.last else { return false }
        let low = latest.founded ?? record.firstDay - 30
        guard let date = effectiveDay(low, max(low, today) + 401, others: []) else { return false }
        do {
            let closed = try test.registry.closeEntity(record.id, on: LocalDate(daysSinceEpoch: date))
            if closed.version != latest.number + 1 { problem("close \(short(record.id)) made version \(closed.version)") }
        } catch {
            problem("close \(short(record.id)) on \(Model.day(date)) refused: \(error)")
            return true
        }
        model.entities[index].versions.append(Model.Version(
            number: latest.number + 1, effective: date, kind: latest.kind, name: latest.name, teryt: latest.teryt,
            founded: latest.founded, closed: date, recorded: stamp))
        days.insert(date)
        log.append("\(stamp) close \(short(record.id)) on \(Model.day(date))")
        return true
    }

    /// The entity's life as known now: `[start, end)`, an open end as far in the future.
    private func lifeNow(_ record: Model.Record) -> (start: Int, end: Int) {
        let life = Model.life(record.versions, firstDay: record.firstDay)
        return (life.start, life.end ?? today + 1000)
    }

    private func grant() -> Bool {
        var candidates: [(index: Int, scheme: String)] = []
        for (index, record) in model.entities.enumerated() {
            guard let kind = record.versions.last?.kind else { continue }
            for scheme in Self.schemes where scheme.kinds.contains(kind)
                && !model.certificates.contains(where: { $0.entityID == record.id && $0.scheme == scheme.code }) {
                candidates.append((index, scheme.code))
            }
        }
        guard !candidates.isEmpty else { return false }
        let (index, scheme) = tape.pick(candidates)
        let record = model.entities[index]
        let life = lifeNow(record)
        guard let from = effectiveDay(life.start, life.end, others: []) else { return false }
        let to = tape.next(4) == 0 ? nil : from + 30 + tape.next(700)
        do {
            let certificate = try test.registry.grantCertificate(
                entity: record.id, scheme: scheme,
                details: CertificateDetails(validFrom: LocalDate(daysSinceEpoch: from), validTo: to.map(LocalDate.init(daysSinceEpoch:))))
            model.certificates.append(Model.Certificate(
                id: certificate.id, entityID: record.id, scheme: scheme,
                events: [Model.CertificateEvent(type: .granted, effective: from, validFrom: from, validTo: to, recorded: stamp)]))
        } catch {
            problem("grant \(scheme) to \(short(record.id)) from \(Model.day(from)) refused: \(error)")
            return true
        }
        days.insert(from)
        if let to { days.insert(to + 1) }
        log.append("\(stamp) grant \(scheme) to \(short(record.id)) \(Model.day(from))…\(to.map(Model.day) ?? "")")
        return true
    }

    /// A renewal, suspension, reinstatement or revocation the certificate's state allows, on or
    /// after its latest event (renewals and reinstatements while the holder exists).
    private func certificateEvent() -> Bool {
        guard !model.certificates.isEmpty else { return false }
        let index = tape.next(model.certificates.count)
        let certificate = model.certificates[index]
        guard let record = model.entities.first(where: { $0.id == certificate.entityID }) else { return false }
        let latest = certificate.events.map(\.effective).max() ?? 0
        let date = latest + tape.pick([0, 1, tape.next(200), tape.next(500)])
        let state = Model.state(of: certificate.events, on: date)
        // The end of validity as the grant and renewals set it, in effective order.
        let validTo = certificate.events.filter { $0.type == .granted || $0.type == .renewed }.last?.validTo
        let life = lifeNow(record)
        let exists = life.start <= date && date < life.end
        var allowed: [CertificateEventType] = []
        switch state {
        case .active, .pending:
            allowed = [.suspended, .revoked]
            if validTo != nil, exists { allowed.append(.renewed) }
        case .suspended:
            allowed = [.revoked]
            if exists { allowed.append(.reinstated) }
        case .expired:
            if validTo != nil, exists { allowed = [.renewed] }
        case .revoked:
            break
        }
        guard !allowed.isEmpty else { return false }
        let type = tape.pick(allowed)
        let newEnd = type == .renewed ? max(validTo ?? date, date) + 30 + tape.next(400) : nil
        do {
            try test.registry.recordCertificateEvent(
                certificate.id, type, on: LocalDate(daysSinceEpoch: date),
                details: CertificateDetails(validTo: newEnd.map(LocalDate.init(daysSinceEpoch:))))
        } catch {
            problem("\(type.rawValue) \(certificate.scheme) of \(short(record.id)) on \(Model.day(date)) refused: \(error)")
            return true
        }
        model.certificates[index].events.append(
            Model.CertificateEvent(type: type, effective: date, validFrom: nil, validTo: newEnd, recorded: stamp))
        days.insert(date)
        if let newEnd { days.insert(newEnd + 1) }
        log.append("\(stamp) \(type.rawValue) \(certificate.scheme) of \(short(record.id)) on \(Model.day(date))"
                   + (newEnd.map { " to \(Model.day($0))" } ?? ""))
        return true
    }

    /// A write the registry must refuse: an effective date before the founding or on or after the
    /// closing, a closing before the founding, a second closing. Nothing may be written.
    private func refusedWrite() -> Bool {
        let index = tape.next(model.entities.count)
        let record = model.entities[index]
        guard let latest = record.versions.last else { return false }
        var options: [(field: String, date: Int, close: Bool)] = []
        if let founded = latest.founded, founded > Self.firstFounding {
            options.append(("effective_on", founded - 1 - tape.next(100), false))
            if latest.closed == nil { options.append(("closed_on", founded - 1 - tape.next(100), true)) }
        }
        if let closed = latest.closed {
            options.append(("effective_on", closed + tape.next(100), false))
            options.append(("closed_on", (latest.founded ?? closed) + tape.next(100), true))
        }
        guard !options.isEmpty else { return false }
        let (field, date, close) = tape.pick(options)
        let day = LocalDate(daysSinceEpoch: date)
        let kind = tape.pick(Self.kinds.filter { $0 != latest.kind })
        let what = close ? "close \(short(record.id)) on \(day)" : "update \(short(record.id)) kind=\(kind) effective \(day)"
        do {
            if close {
                try test.registry.closeEntity(record.id, on: day)
            } else {
                try test.registry.updateEntity(record.id, [.kind: kind], effectiveOn: day)
            }
            problem("\(what) was accepted")
        } catch let RegistryError.invalidValue(refused, value, _) where refused == field && value == day.description {
            log.append("\(stamp) \(what): refused")
        } catch {
            problem("\(what) refused with \(error), not as an invalid \(field) \(day)")
        }
        // Nothing written: the entity still has the versions the model has.
        let versions = (try? test.registry.entityHistory(record.id).count) ?? -1
        if versions != record.versions.count {
            problem("after the refused \(what) the entity has \(versions) versions, not \(record.versions.count)")
        }
        return true
    }
}
