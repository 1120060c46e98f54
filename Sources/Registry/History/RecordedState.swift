/// SQL sources for "what the registry said by the end of a day": the latest version of each row
/// recorded by a cutoff time. Queries, exports, the map and change reports read past states this
/// way, so "as of a day" means the same thing everywhere.
enum RecordedState {
    /// The cutoff for `day`: everything recorded by the end of that day (UTC).
    static func cutoff(_ day: LocalDate) -> String {
        day.description + "T23:59:59.999999Z"
    }

    /// Entities with the `entities` table's columns, as recorded by the bound `cutoff` parameter.
    ///
    /// An entity whose current version was recorded by then is its `entities` row; otherwise it is
    /// the newest superseded version recorded by then (none: the registry did not know it yet).
    static func entities(cutoff: String) -> String {
        """
        (SELECT id, version, kind, name, nip, regon, krs, pkd, street, postal_code, city, teryt, founded_on,
                closed_on, close_reason, email, phone, www, latitude, longitude, capacity, operator_id,
                operator_teryt, note, created_at, updated_at
         FROM entities WHERE updated_at <= \(cutoff)
         UNION ALL
         SELECT v.entity_id, v.version, v.kind, v.name, v.nip, v.regon, v.krs, v.pkd, v.street,
                v.postal_code, v.city, v.teryt, v.founded_on, v.closed_on, v.close_reason, v.email, v.phone,
                v.www, v.latitude, v.longitude, v.capacity, v.operator_id, v.operator_teryt, v.note,
                e.created_at, v.recorded_at
         FROM entities e JOIN entity_versions v ON v.entity_id = e.id
         WHERE e.updated_at > \(cutoff)
           AND v.version = (SELECT max(x.version) FROM entity_versions x
                            WHERE x.entity_id = e.id AND x.recorded_at <= \(cutoff)))
        """
    }

    /// Resources (id, entity_id, category, recorded_on, withdrawn_on) as recorded by `cutoff`.
    static func resources(cutoff: String) -> String {
        """
        (SELECT v.resource_id AS id, v.entity_id, v.category, v.recorded_on, v.withdrawn_on
         FROM resource_versions v
         WHERE v.version = (SELECT max(x.version) FROM resource_versions x
                            WHERE x.resource_id = v.resource_id AND x.recorded_at <= \(cutoff)))
        """
    }

    /// Needs (id, entity_id, category, priority, reported_on, met_on) as recorded by `cutoff`.
    static func needs(cutoff: String) -> String {
        """
        (SELECT v.need_id AS id, v.entity_id, v.category, v.priority, v.reported_on, v.met_on
         FROM need_versions v
         WHERE v.version = (SELECT max(x.version) FROM need_versions x
                            WHERE x.need_id = v.need_id AND x.recorded_at <= \(cutoff)))
        """
    }
}
