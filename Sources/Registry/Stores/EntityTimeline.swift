import SQLiteStore

/// The day ranges in which each version of an entity is in effect, as the registry knows it now.
///
/// Versions are ordered by effective date (the first version by none: it applies from the start
/// of the entity's life), a later-recorded one first on the same date; each is in effect from its
/// date until the next one's, within the entity's life `[start, end)`: from its founding date (or
/// the Polish day it was first recorded, when none is known) to its closing date. The current
/// row's range is kept in its `valid_from`/`valid_to`; the superseded versions' non-empty ranges
/// are rows of `entity_timeline`. `EntityStates` answers the same question for a past moment of
/// knowledge in SQL; the two are tested against one model.
struct EntityTimeline {
    let database: Database

    /// The end of an open range.
    static let openEnd = "9999-12-31"

    /// What a version contributes: its number, effective date and the attributes the map counts by.
    struct Version: Equatable {
        let version: Int
        let effectiveOn: String
        let kind: String
        let teryt: String?
    }

    /// A version in effect on the days `[from, to)`.
    struct Range: Equatable {
        let version: Version
        let from: String
        let to: String
    }

    /// The entity's life: from its founding date, or the first recorded Polish day, to its closing.
    static func life(foundedOn: LocalDate?, closedOn: LocalDate?, createdAt: String) -> (start: String, end: String) {
        let start = Entity.lifespanStart(foundedOn: foundedOn, createdAt: createdAt)?.description ?? ""
        return (start, closedOn?.description ?? openEnd)
    }

    /// Each version's range (empty ones as `from == to`), in effective order.
    static func ranges(_ versions: [Version], start: String, end: String) -> [Range] {
        let ordered = versions.sorted { (key($0), $0.version) < (key($1), $1.version) }
        return ordered.enumerated().map { index, version in
            let next = index + 1 < ordered.count ? key(ordered[index + 1]) : openEnd
            let to = min(next, end)
            return Range(version: version, from: min(max(key(version), start), to), to: to)
        }
    }

    /// The first version applies from the start of the entity's life, whatever its date says.
    private static func key(_ version: Version) -> String {
        version.version == 1 ? "" : version.effectiveOn
    }

    /// The stored versions of the entity `id` (the current row included).
    func versions(of id: String) throws -> [Version] {
        try database.rows(
            """
            SELECT version, effective_on, kind, teryt FROM entity_versions WHERE entity_id = ?1
            UNION ALL SELECT version, effective_on, kind, teryt FROM entities WHERE id = ?1
            """, [.text(id)]
        ) { Version(version: $0.int(at: 0) ?? 0, effectiveOn: $0.text(at: 1) ?? "", kind: $0.text(at: 2) ?? "",
                    teryt: $0.text(at: 3)) }
    }

    /// Replaces the superseded versions' ranges of the entity at `rowid` with those in `ranges`
    /// other than `current`'s (the current row holds its own).
    func store(_ ranges: [Range], current: Int, entityRowid rowid: Int64) throws {
        try database.run("DELETE FROM entity_timeline WHERE entity_rowid = ?", [.integer(rowid)])
        let insert = try database.cached(
            "INSERT INTO entity_timeline (entity_rowid, valid_from, valid_to, version, kind, teryt) VALUES (?, ?, ?, ?, ?, ?)")
        for range in ranges where range.version.version != current && range.from < range.to {
            try insert.execute([.integer(rowid), .text(range.from), .text(range.to),
                                .integer(Int64(range.version.version)), .text(range.version.kind),
                                SQLValue(range.version.teryt)])
        }
    }

    /// Fills effective dates, the current rows' ranges and the timeline for every stored entity
    /// (migration 0010): effective dates from the Polish day each version was recorded, the first
    /// version's from the founding date.
    static func migrate(_ database: Database) throws {
        func effective(recordedAt column: String) -> String {
            "CASE WHEN version = 1 THEN coalesce(founded_on, \(WarsawTime.sqlDay(of: column))) ELSE \(WarsawTime.sqlDay(of: column)) END"
        }
        try database.execute("UPDATE entity_versions SET effective_on = \(effective(recordedAt: "recorded_at"))")
        // An entity with one version is in effect for its whole life: set in one statement.
        let end = "coalesce(closed_on, '\(openEnd)')"
        try database.execute("""
            UPDATE entities SET effective_on = \(effective(recordedAt: "updated_at")),
                valid_from = CASE WHEN version = 1 THEN min(\(EntityLifespan.start(foundedOn: "founded_on", createdAt: "created_at")), \(end)) END,
                valid_to = CASE WHEN version = 1 THEN \(end) END
            """)
        let timeline = EntityTimeline(database: database)
        let update = try database.prepare("UPDATE entities SET valid_from = ?, valid_to = ? WHERE rowid = ?")
        // Collected first: the rows are updated as they are visited.
        let entities = try database.rows(
            "SELECT rowid, id, version, founded_on, closed_on, created_at FROM entities WHERE version > 1"
        ) { row in
            (rowid: Int64(row.int(at: 0) ?? 0), id: row.text(at: 1) ?? "", version: row.int(at: 2) ?? 0,
             life: life(foundedOn: row.text(at: 3).flatMap { LocalDate(iso: $0) },
                        closedOn: row.text(at: 4).flatMap { LocalDate(iso: $0) }, createdAt: row.text(at: 5) ?? ""))
        }
        for entity in entities {
            let ranges = ranges(try timeline.versions(of: entity.id), start: entity.life.start, end: entity.life.end)
            guard let own = ranges.first(where: { $0.version.version == entity.version }) else { continue }
            try update.execute([.text(own.from), .text(own.to), .integer(entity.rowid)])
            try timeline.store(ranges, current: entity.version, entityRowid: entity.rowid)
        }
    }

    // MARK: Checks

    /// Entities whose kept day ranges (the row's and the timeline's) differ from those their
    /// versions give, as problems of `registry check`.
    func mismatches() throws -> [String] {
        let end = "coalesce(closed_on, '\(Self.openEnd)')"
        // One version: in effect for the whole life, and nothing in the timeline.
        var problems = try database.rows(
            """
            SELECT id FROM entities
            WHERE version = 1 AND (valid_from IS NOT min(\(EntityLifespan.start(foundedOn: "founded_on", createdAt: "created_at")), \(end))
                                   OR valid_to IS NOT \(end)
                                   OR EXISTS (SELECT 1 FROM entity_timeline t WHERE t.entity_rowid = entities.rowid))
            """) { "entity \($0.text(at: 0) ?? "?"): the days its version is in effect differ from its dates" }
        let entities = try database.rows(
            "SELECT rowid, id, version, founded_on, closed_on, created_at, valid_from, valid_to FROM entities WHERE version > 1"
        ) { row in
            (rowid: Int64(row.int(at: 0) ?? 0), id: row.text(at: 1) ?? "", version: row.int(at: 2) ?? 0,
             life: Self.life(foundedOn: row.text(at: 3).flatMap { LocalDate(iso: $0) },
                             closedOn: row.text(at: 4).flatMap { LocalDate(iso: $0) }, createdAt: row.text(at: 5) ?? ""),
             kept: [row.text(at: 6) ?? "", row.text(at: 7) ?? ""])
        }
        for entity in entities {
            let ranges = Self.ranges(try versions(of: entity.id), start: entity.life.start, end: entity.life.end)
            let own = ranges.first { $0.version.version == entity.version }
            let timeline = ranges.filter { $0.version.version != entity.version && $0.from < $0.to }
                .map { [$0.from, $0.to, String($0.version.version), $0.version.kind, $0.version.teryt ?? ""] }
            let kept = try database.rows(
                "SELECT valid_from, valid_to, version, kind, teryt FROM entity_timeline WHERE entity_rowid = ? ORDER BY valid_from",
                [.integer(entity.rowid)]) { row in (0...4).map { row.text(at: $0) ?? "" } }
            if entity.kept != [own?.from ?? entity.life.end, own?.to ?? entity.life.end] || kept != timeline.sorted(by: { $0[0] < $1[0] }) {
                problems.append("entity \(entity.id): the days its versions are in effect differ from their effective dates")
            }
        }
        return problems
    }

    /// Entities with no founding date (they count from the day they were first recorded).
    func undatedCount() throws -> Int {
        try database.scalarInt("SELECT count(*) FROM entities WHERE founded_on IS NULL") ?? 0
    }
}
