/// The SQL form of `Entity.exists(on:)`, for statements that count or list only the entities
/// that exist on a day.
enum EntityLifespan {
    /// The condition "the entity row aliased `alias` exists on the day bound to `day`" (e.g. `?2`,
    /// an ISO date): founding date (or the Polish day first recorded) ≤ day < closing date.
    static func exists(_ alias: String = "e", on day: String) -> String {
        "(\(start(foundedOn: "\(alias).founded_on", createdAt: "\(alias).created_at")) <= \(day) "
            + "AND (\(alias).closed_on IS NULL OR \(alias).closed_on > \(day)))"
    }

    /// The first day of an entity's life from its founding date and first recorded time (columns
    /// or expressions): `Entity.lifespanStart` in SQL.
    static func start(foundedOn: String, createdAt: String) -> String {
        "coalesce(\(foundedOn), \(WarsawTime.sqlDay(of: createdAt)))"
    }
}
