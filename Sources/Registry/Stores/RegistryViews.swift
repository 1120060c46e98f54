import SQLiteStore

/// The views `registry sql` reads, for a day in the world and a moment of the registry's knowledge.
///
/// The stored views (migrations) answer for today as known now; `registry sql --on D
/// --recorded-at T` shadows them with temporary views of the same names and columns for D and T
/// (SQLite resolves an unqualified name in `temp` first). Their columns only ever grow.
enum RegistryViews {
    /// `v_entities`: the entities on `day` (an SQL expression), as known at `cutoff` (an SQL
    /// expression, nil for now), active and closed, with the names of their units.
    static func entities(day: String, cutoff: String?) -> String {
        """
        SELECT e.id, e.kind, e.name, e.nip, e.regon, e.krs, e.pkd, e.street, e.postal_code, e.city, e.teryt,
               g.name AS commune, p.name AS county, w.name AS voivodeship,
               e.founded_on, e.closed_on, e.close_reason, e.status,
               e.email, e.phone, e.www, e.latitude, e.longitude, e.capacity, e.operator_id, e.operator_teryt, e.note,
               e.version, e.created_at, e.updated_at, e.effective_on
        FROM \(EntityStates.source(day: day, cutoff: cutoff, status: .all)) e
        LEFT JOIN teryt_units g ON g.code = e.teryt
        LEFT JOIN teryt_units p ON p.code = substr(e.teryt, 1, 4)
        LEFT JOIN teryt_units w ON w.code = substr(e.teryt, 1, 2)
        """
    }

    /// Today's Polish day, as an SQL expression.
    static var today: String { WarsawTime.sqlDay(of: "strftime('%Y-%m-%dT%H:%M:%S', 'now')") }

    /// The statements that shadow the stored views for `day` and `cutoff` (nil: now) on one connection.
    static func temporary(day: LocalDate, cutoff: String?) -> [String] {
        let dayLiteral = "'\(day.description)'"
        let cutoffLiteral = cutoff.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }
        var statements = ["CREATE TEMP VIEW v_entities AS " + entities(day: dayLiteral, cutoff: cutoffLiteral)]
        if let cutoffLiteral {
            statements.append("CREATE TEMP VIEW v_entity_history AS SELECT * FROM main.v_entity_history WHERE recorded_at <= \(cutoffLiteral)")
            statements.append("CREATE TEMP VIEW v_certificate_events AS SELECT * FROM main.v_certificate_events WHERE recorded_at <= \(cutoffLiteral)")
        }
        return statements
    }

    /// Replaces the stored `v_entities` with today's world as known now (migration 0010).
    static func storeEntitiesView(_ database: Database) throws {
        try database.execute("DROP VIEW v_entities")
        try database.execute("CREATE VIEW v_entities AS " + entities(day: today, cutoff: nil))
    }
}
