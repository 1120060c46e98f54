@testable import Registry

/// The reference model of the bitemporal property test: every write the registry accepted, kept as
/// a plain list and replayed naively for each question (no ranges, no SQL, no caches).
///
/// Days are days since 1970-01-01; recorded times are the registry's stamps, compared as text
/// (fixed width, UTC). `nil` as the moment of knowledge means "now": every write.
struct BitemporalModel {
    /// One recorded version of an entity.
    struct Version {
        let number: Int
        /// The day it holds from (version 1: from the start of the entity's life, whatever this says).
        let effective: Int
        let kind: String
        let name: String
        let teryt: String?
        let founded: Int?
        let closed: Int?
        let recorded: String
    }

    /// An entity: its versions in recorded order, and the Polish day it was first recorded.
    struct Record {
        let id: String
        var versions: [Version]
        let firstDay: Int
    }

    /// One recorded certificate event (grants carry the validity; renewals a new end).
    struct CertificateEvent {
        let type: CertificateEventType
        let effective: Int
        let validFrom: Int?
        let validTo: Int?
        let recorded: String
    }

    struct Certificate {
        let id: String
        let entityID: String
        let scheme: String
        var events: [CertificateEvent]
    }

    /// An entity as a listing shows it on a day.
    struct Row: Hashable, Comparable, CustomStringConvertible {
        let id: String
        let version: Int
        let kind: String
        let name: String
        let teryt: String?
        let founded: Int?
        let closed: Int?
        let status: String

        static func < (lhs: Row, rhs: Row) -> Bool { (lhs.id, lhs.status) < (rhs.id, rhs.status) }

        var description: String {
            "\(id.suffix(6)) v\(version) \(kind) \(teryt ?? "-") \(name) founded \(founded.map(day) ?? "-") "
                + "closed \(closed.map(day) ?? "-") \(status)"
        }
    }

    /// The communes that the parts of urban-rural communes used here lie in (the TERYT dictionary
    /// says so; a commune lies in itself).
    static let communeOfPart = ["2801044": "2801043", "2801045": "2801043"]

    var entities: [Record] = []
    var certificates: [Certificate] = []

    static func day(_ days: Int) -> String { LocalDate(daysSinceEpoch: days).description }

    // MARK: Entities

    /// The versions of `record` known at `cutoff`, in recorded order.
    static func known(_ record: Record, at cutoff: String?) -> [Version] {
        guard let cutoff else { return record.versions }
        return record.versions.filter { $0.recorded <= cutoff }
    }

    /// The entity's life as known by `versions`: from its latest founding date (or its first
    /// recorded day) to its latest closing date (exclusive; nil: open).
    static func life(_ versions: [Version], firstDay: Int) -> (start: Int, end: Int?) {
        let latest = versions[versions.count - 1]
        return (latest.founded ?? firstDay, latest.closed)
    }

    /// The version in effect on `day`: the last, by effective date then number, whose date is
    /// on or before the day (version 1 always qualifies).
    static func inEffect(_ versions: [Version], on day: Int) -> Version {
        let ordered = versions.sorted { ($0.number == 1 ? Int.min : $0.effective, $0.number) < ($1.number == 1 ? Int.min : $1.effective, $1.number) }
        return ordered.last { $0.number == 1 || $0.effective <= day } ?? ordered[0]
    }

    /// The state of `record` on `day` as known at `cutoff`: the version in effect when it exists
    /// then; nil when it does not (not recorded yet, not founded yet, or closed).
    static func existing(_ record: Record, on day: Int, at cutoff: String?) -> Version? {
        let versions = known(record, at: cutoff)
        guard !versions.isEmpty else { return nil }
        let life = life(versions, firstDay: record.firstDay)
        guard life.start <= day, life.end.map({ day < $0 }) ?? true else { return nil }
        return inEffect(versions, on: day)
    }

    /// What `query` lists on `day` as known at `cutoff`, within the TERYT `prefix` ("" for all).
    func rows(_ status: EntityQuery.Status, on day: Int, at cutoff: String?, prefix: String = "") -> [Row] {
        var rows: [Row] = []
        for record in entities {
            let versions = Self.known(record, at: cutoff)
            guard let latest = versions.last else { continue }
            func row(_ version: Version, _ status: String) -> Row? {
                guard prefix.isEmpty || (version.teryt?.hasPrefix(prefix) ?? false) else { return nil }
                return Row(id: record.id, version: version.number, kind: version.kind, name: version.name,
                           teryt: version.teryt, founded: latest.founded, closed: latest.closed, status: status)
            }
            if status != .closed, let version = Self.existing(record, on: day, at: cutoff), let row = row(version, "active") {
                rows.append(row)
            }
            if status != .active, let closed = latest.closed, closed <= day, let row = row(latest, "closed") {
                rows.append(row)
            }
        }
        return rows.sorted()
    }

    /// The unit a TERYT code lies in at `level`.
    static func unit(of code: String, level: MapLevel) -> String {
        switch level {
        case .wojewodztwo: return String(code.prefix(2))
        case .powiat: return String(code.prefix(4))
        case .gmina: return communeOfPart[code] ?? code
        }
    }

    /// Map counts on `day` as known at `cutoff`: existing entities per unit and kind within the
    /// prefix, holders per unit and scheme, and entities without a code (whole registry only).
    func map(level: MapLevel, prefix: String, on day: Int, at cutoff: String?)
        -> (entities: [String: [String: Int]], holders: [String: [String: Int]], unplaced: Int) {
        var entities: [String: [String: Int]] = [:]
        var holders: [String: [String: Int]] = [:]
        var unplaced = 0
        for record in self.entities {
            guard let version = Self.existing(record, on: day, at: cutoff) else { continue }
            guard let teryt = version.teryt else {
                if prefix.isEmpty { unplaced += 1 }
                continue
            }
            guard teryt.hasPrefix(prefix) else { continue }
            let unit = Self.unit(of: teryt, level: level)
            entities[unit, default: [:]][version.kind, default: 0] += 1
            for scheme in Set(certificates.filter { $0.entityID == record.id && Self.isHeld($0, on: day, at: cutoff) }.map(\.scheme)) {
                holders[unit, default: [:]][scheme, default: 0] += 1
            }
        }
        return (entities, holders, unplaced)
    }

    // MARK: Change reports

    /// One entity's change between two days, as `ChangeReport.EntityChange` has it (without the place).
    struct Change: Hashable, Comparable, CustomStringConvertible {
        let change: String
        let id: String
        let kind: String
        let previousKind: String?
        let teryt: String?

        static func < (lhs: Change, rhs: Change) -> Bool { (lhs.id, lhs.change) < (rhs.id, rhs.change) }

        var description: String { "\(change) \(id.suffix(6)) \(previousKind.map { $0 + "→" } ?? "")\(kind) \(teryt ?? "-")" }
    }

    /// What `report changes` says for the days `from` and `to` as known at `cutoff` within `prefix`:
    /// counts per kind on each day, per unit at `level`, the changes, and the undated entities on `to`.
    func changes(from: Int, to: Int, prefix: String, level: MapLevel?, at cutoff: String?)
        -> (kinds: [String: [Int]], units: [String: [String: [Int]]], changes: [Change], undated: [String]) {
        var kinds: [String: [Int]] = [:]
        var units: [String: [String: [Int]]] = [:]
        var changes: [Change] = []
        var undated: [String] = []
        func inRegion(_ version: Version?) -> Bool {
            guard let version else { return false }
            return prefix.isEmpty || (version.teryt?.hasPrefix(prefix) ?? false)
        }
        for record in entities {
            let before = Self.existing(record, on: from, at: cutoff)
            let after = Self.existing(record, on: to, at: cutoff)
            for (index, version) in [before, after].enumerated() where inRegion(version) {
                guard let version else { continue }
                kinds[version.kind, default: [0, 0]][index] += 1
                if let level, let teryt = version.teryt {
                    units[Self.unit(of: teryt, level: level), default: [:]][version.kind, default: [0, 0]][index] += 1
                }
            }
            switch (inRegion(before), inRegion(after)) {
            case (false, true):
                guard let after else { break }
                changes.append(Change(change: before == nil ? "appeared" : "moved_in", id: record.id, kind: after.kind,
                                      previousKind: nil, teryt: after.teryt))
            case (true, false):
                guard let before else { break }
                changes.append(Change(change: after == nil ? "closed" : "moved_out", id: record.id, kind: before.kind,
                                      previousKind: nil, teryt: before.teryt))
            case (true, true):
                guard let before, let after, before.kind != after.kind else { break }
                changes.append(Change(change: "kind_changed", id: record.id, kind: after.kind, previousKind: before.kind,
                                      teryt: after.teryt))
            case (false, false): break
            }
            if inRegion(after), Self.known(record, at: cutoff).last?.founded == nil { undated.append(record.id) }
        }
        return (kinds, units, changes.sorted(), undated.sorted())
    }

    // MARK: Certificates

    /// Whether the certificate is held (active) on `day` by its events known at `cutoff`, replayed
    /// in effective order (a grant first on its day, then by recorded time).
    static func isHeld(_ certificate: Certificate, on day: Int, at cutoff: String?) -> Bool {
        state(of: certificate.events.filter { event in cutoff.map { event.recorded <= $0 } ?? true }, on: day) == .active
    }

    /// The state on `day` by `events` (any order).
    static func state(of events: [CertificateEvent], on day: Int) -> CertificateState {
        let ordered = events.sorted {
            ($0.effective, $0.type == .granted ? 0 : 1, $0.recorded) < ($1.effective, $1.type == .granted ? 0 : 1, $1.recorded)
        }
        var from: Int?
        var to: Int?
        var suspended = false
        var revoked = false
        for event in ordered where event.effective <= day {
            switch event.type {
            case .granted:
                from = event.validFrom
                to = event.validTo
            case .renewed:
                to = event.validTo
                suspended = false
            case .suspended: suspended = true
            case .reinstated: suspended = false
            case .revoked: revoked = true
            case .corrected: break
            }
        }
        guard let from, day >= from else { return .pending }
        if revoked { return .revoked }
        if let to, day > to { return .expired }
        return suspended ? .suspended : .active
    }
}
