/// The entities as they are on a day in the world, as the registry knew them at a moment: the one
/// question every listing, export, map and report asks (the README's "Two kinds of time").
///
/// An entity exists on day D when its life holds D (`EntityTimeline.life`); it shows the version
/// in effect on D. Its founding and closing dates are the latest recorded by then (they date its
/// life, whichever version is in effect). An entity closed by D shows its latest version with the
/// status `closed`; one not founded yet on D is not part of that day's world.
///
/// Present knowledge reads the ranges kept as entities are written (`valid_from`/`valid_to` and
/// `entity_timeline`), through indexes; a past moment replays the versions recorded by then in SQL.
enum EntityStates {
    /// Which entities of the day.
    enum Status {
        case active, closed, all
    }

    /// A restriction on which entities are read, applied before anything else.
    enum Only {
        /// The entity whose id is bound to this parameter.
        case id(String)
        /// The entities whose rowids the subquery (`SELECT …`) selects.
        case rowids(String)
        /// The entities whose ids the subquery (`SELECT …`) selects.
        case ids(String)

        /// The restriction as a condition on a column holding entity rowids (ids are looked up:
        /// the timeline's rows come first in their arm, and have no id).
        func condition(rowid column: String) -> String {
            switch self {
            case let .id(parameter): return "\(column) IN (SELECT x.rowid FROM entities x WHERE x.id = \(parameter))"
            case let .rowids(subquery): return "\(column) IN (\(subquery))"
            case let .ids(subquery): return "\(column) IN (SELECT x.rowid FROM entities x WHERE x.id IN (\(subquery)))"
            }
        }
    }

    /// A subquery with `EntityTable.columns`, then `entity_rowid` and `status`: the entities on the
    /// day bound to parameter `day` (e.g. `?1`), as known now (`cutoff` nil) or by the stamp bound
    /// to `cutoff`.
    ///
    /// At a past moment, an entity whose latest version was recorded by then is known then exactly
    /// as now: it is read from the kept ranges like present knowledge; only the entities changed
    /// since (usually few) are replayed.
    static func source(day: String, cutoff: String?, status: Status = .active, only: Only? = nil) -> String {
        let parts = arms(day: day, cutoff: cutoff, status: status, only: only)
        return "(" + parts.with + parts.arms.joined(separator: " UNION ALL ") + ")"
    }

    /// `source` in parts: a `WITH …` prefix (empty for present knowledge) and the SELECTs whose
    /// UNION ALL it is, for a caller that applies its select list to each (an export in the order
    /// entities were added merges the arms instead of sorting a million rows).
    static func arms(day: String, cutoff: String?, status: Status, only: Only?) -> (with: String, arms: [String]) {
        let present = presentArms(day: day, status: status, only: only, unchangedSince: cutoff)
        guard let cutoff else { return ("", present) }
        let changed = "SELECT e.id FROM entities e WHERE e.updated_at > \(cutoff)"
            + (only.map { " AND " + $0.condition(rowid: "e.rowid") } ?? "")
        let columns = replayColumns.joined(separator: ", ")
        var replay: [String] = []
        if status != .closed {
            replay.append("SELECT \(columns), 'active' AS status FROM s WHERE s.seg_from <= \(day) AND s.seg_to > \(day)")
        }
        if status != .active {
            replay.append("SELECT \(columns), 'closed' AS status FROM s WHERE s.version = s.l_version AND s.l_closed <= \(day)")
        }
        return ("WITH changed AS MATERIALIZED (\(changed)), \(replayed(cutoff: cutoff)) ", present + replay)
    }

    /// The arms reading the kept ranges: present knowledge, or with `unchangedSince` (a cutoff)
    /// only the entities whose latest version was recorded by then.
    private static func presentArms(day: String, status: Status, only: Only?, unchangedSince cutoff: String?) -> [String] {
        let current = EntityTable.selectList(alias: "e") + ", e.rowid AS entity_rowid"
        /// The restriction, on the entity rowid column `alias` of an arm.
        func restricted(_ alias: String) -> String {
            (cutoff.map { " AND e.updated_at <= \($0)" } ?? "") + (only.map { " AND " + $0.condition(rowid: alias) } ?? "")
        }
        var list: [String] = []
        let inEffect = "e.valid_from <= \(day) AND e.valid_to > \(day)"
        switch status {
        case .active:
            list.append("SELECT \(current), 'active' AS status FROM entities e WHERE \(inEffect)\(restricted("e.rowid"))")
        case .closed:
            list.append("SELECT \(current), 'closed' AS status FROM entities e WHERE e.closed_on <= \(day)\(restricted("e.rowid"))")
        case .all:
            // One pass over the rows for both (an entity closed by the day has no range holding it).
            list.append("""
                SELECT \(current), CASE WHEN \(inEffect) THEN 'active' ELSE 'closed' END AS status FROM entities e
                WHERE (\(inEffect) OR e.closed_on <= \(day))\(restricted("e.rowid"))
                """)
        }
        if status != .closed {
            // A superseded version in effect on the day: its state, with the entity's life as known
            // now. The timeline's own rows are filtered first (CROSS JOIN keeps that order), by its
            // copy of the code and kind, so a region or kind reads few of them.
            let state = EntityTable.columns.map { column -> String in
                switch column {
                case "id": return "e.id"
                case "founded_on", "closed_on", "close_reason", "created_at": return "e." + column
                case "updated_at": return "v.recorded_at AS updated_at"
                case "kind", "teryt": return "t." + column
                default: return "v." + column
                }
            }.joined(separator: ", ")
            list.append("""
                SELECT \(state), t.entity_rowid, 'active' AS status
                FROM entity_timeline t CROSS JOIN entities e CROSS JOIN entity_versions v
                WHERE e.rowid = t.entity_rowid AND v.entity_id = e.id AND v.version = t.version
                  AND t.valid_from <= \(day) AND t.valid_to > \(day)\(restricted("t.entity_rowid"))
                """)
        }
        return list
    }

    /// Rowids of entities, as known now, whose state may differ between the days bound to `from`
    /// and `to`: a range of one of their versions starts or ends in `(from, to]`, within the TERYT
    /// range `?lower`/`?upper` when given (a moved entity's old and new ranges both end or start
    /// there, so the one in the region is found).
    static func changedBetween(from: String, to: String, terytRange: (lower: String, upper: String)?) -> String {
        let region = terytRange.map { " AND teryt >= \($0.lower) AND teryt < \($0.upper)" } ?? ""
        let boundary = "((valid_from > \(from) AND valid_from <= \(to)) OR (valid_to > \(from) AND valid_to <= \(to)))"
        return """
            SELECT rowid FROM entities INDEXED BY entities_place WHERE \(boundary)\(region)
            UNION SELECT entity_rowid FROM entity_timeline WHERE \(boundary)\(region)
            """
    }

    /// The replayed columns, in `EntityTable.columns` order, then `entity_rowid`.
    private static let replayColumns: [String] = EntityTable.columns.map { column in
        switch column {
        case "id": return "s.entity_id AS id"
        case "founded_on": return "s.l_founded AS founded_on"
        case "closed_on": return "s.l_closed AS closed_on"
        case "close_reason": return "s.l_reason AS close_reason"
        case "created_at": return "s.first_recorded AS created_at"
        case "updated_at": return "s.recorded_at AS updated_at"
        default: return "s." + column
        }
    } + ["(SELECT x.rowid FROM entities x WHERE x.id = s.entity_id) AS entity_rowid"]

    /// CTEs ending in `s`: every version recorded by `cutoff` of the entities in `changed`, with
    /// the range of days it is in effect (`seg_from`, `seg_to`), by the rule of `EntityTimeline.ranges`, and its entity's life
    /// and latest version as known then (`l_*`).
    private static func replayed(cutoff: String) -> String {
        let filter = " AND h.entity_id IN (SELECT id FROM changed)"
        let end = "coalesce(l_closed, '\(EntityTimeline.openEnd)')"
        return """
            k AS (SELECT h.*, CASE WHEN h.version = 1 THEN '' ELSE h.effective_on END AS eff
                  FROM v_entity_history h WHERE h.recorded_at <= \(cutoff)\(filter)),
            w AS (SELECT k.*,
                         lead(eff, 1, '\(EntityTimeline.openEnd)') OVER (PARTITION BY entity_id ORDER BY eff, version) AS next_eff,
                         last_value(founded_on) OVER life AS l_founded, last_value(closed_on) OVER life AS l_closed,
                         last_value(close_reason) OVER life AS l_reason, last_value(version) OVER life AS l_version,
                         first_value(recorded_at) OVER life AS first_recorded
                  FROM k
                  WINDOW life AS (PARTITION BY entity_id ORDER BY version ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)),
            s AS (SELECT w.*, min(max(eff, \(EntityLifespan.start(foundedOn: "l_founded", createdAt: "first_recorded"))), min(next_eff, \(end))) AS seg_from,
                         min(next_eff, \(end)) AS seg_to
                  FROM w)
            """
    }
}
