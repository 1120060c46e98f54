import CSQLite
import Foundation
import SQLiteStore

extension Registry {
    /// Full-text search over names, city, street, notes and certificate scopes, best matches first
    /// (bm25, with the name weighted most; ties in the order the entities entered the registry);
    /// words match as prefixes and diacritics are ignored. Matches are found by what the registry
    /// holds now and shown as they were on `day` (today) as known at `recordedAt` (now); one not
    /// founded yet that day, or not known then, is left out.
    public func search(
        _ text: String, kinds: [EntityKind] = [], region: String? = nil, limit: Int? = nil,
        on day: LocalDate? = nil, recordedAt: String? = nil, _ body: (Entity, Double) throws -> Void
    ) throws {
        // Ranked matches arrive in order; each batch is read as of the day, then passed on in that order.
        let day = day ?? today
        var batch: [(Entity, Double)] = []
        func flush() throws {
            let states = try entities.states(ids: batch.map(\.0.id), on: day, cutoff: recordedAt)
            for (entity, rank) in batch { if let state = states[entity.id] { try body(state, rank) } }
            batch.removeAll(keepingCapacity: true)
        }
        try rankedMatches(text, kinds: kinds, region: region, limit: limit) { entity, rank in
            batch.append((entity, rank))
            if batch.count == 500 { try flush() }
        }
        try flush()
    }

    /// The matches of `search`, best first, as the registry holds them now.
    private func rankedMatches(
        _ text: String, kinds: [EntityKind], region: String?, limit: Int?, _ body: (Entity, Double) throws -> Void
    ) throws {
        guard let match = SearchText.matchExpression(text) else {
            throw RegistryError.invalidValue(field: "text", value: text, rule: "has no words to search for")
        }
        var values: [SQLValue] = [.text(match)]
        var conditions: [String] = []
        if !kinds.isEmpty {
            conditions.append("e.kind IN (\(kinds.map { values.append(.text($0.rawValue)); return "?\(values.count)" }.joined(separator: ", ")))")
        }
        if let region {
            let prefix = try Self.regionPrefix(region)
            values.append(.text(prefix))
            values.append(.text(prefix + "~"))
            conditions.append("e.teryt >= ?\(values.count - 1) AND e.teryt < ?\(values.count)")
        }
        let weights = "10.0, 2.0, 1.0, 1.0, 3.0"
        lastSearchPlan = .oneConnection
        if conditions.isEmpty, let limit, let parts = try searchPartitions() {
            let ranking = PartitionedRanking(
                path: database.path, match: match, phrases: SearchText.phrases(text), limit: max(0, limit), weights: weights)
            // A connection that fails to open or rank is an error like any other (hiding it would
            // hide a broken partitioned path behind the slower one); only a registry that kept
            // changing under the parts is answered by one connection.
            if let found = try ranking.run(parts: parts.count, lastRowid: parts.lastRowid) {
                lastSearchPlan = .partitioned(connections: parts.count)
                for (entity, rank) in found { try body(entity, rank) }
                return
            }
            lastSearchPlan = .oneConnectionAfterPartitionRetries(connections: parts.count)
        }
        let columns = EntityTable.selectList(alias: "e")
        // bm25's scores, computed without a docsize look-up per match (SearchRank).
        let rank = "\(SearchRank.name)(entity_search, \(weights))"
        let deferredRank = "\(SearchRank.deferredName)(entity_search, \(weights))"
        var sql: String
        let tally = search.rankTally
        tally.reset()
        if conditions.isEmpty, let limit {
            // Rank inside the full-text index and join only the best rows: a broad word can match a
            // tenth of the registry, and joining every match to its entity cost more than ranking.
            // Every match is ranked here, so the matches can be counted while ranking (SearchRank).
            values.append(.integer(Int64(max(0, limit))))
            sql = """
                SELECT \(columns), r.rank FROM
                    (SELECT rowid, \(deferredRank) AS rank
                     FROM entity_search WHERE entity_search MATCH ?1
                     ORDER BY rank, rowid LIMIT ?\(values.count)) r
                JOIN entities e ON e.rowid = r.rowid
                ORDER BY r.rank, r.rowid
                """
        } else {
            sql = """
                SELECT \(columns), \(rank) AS rank
                FROM entity_search JOIN entities e ON e.rowid = entity_search.rowid
                WHERE entity_search MATCH ?1
                """
            for condition in conditions { sql += " AND " + condition }
            // Ties in the order the entities entered the registry, as in the limited search above.
            sql += " ORDER BY rank, e.rowid"
            if let limit {
                values.append(.integer(Int64(max(0, limit))))
                sql += " LIMIT ?\(values.count)"
            }
        }
        var factor: Double?
        try database.prepare(sql).forEachRow(values) { row in
            // The first row comes once every match is ranked: the tally is complete.
            let scale = factor ?? tally.factor
            factor = scale
            try body(EntityStore.entity(row), (row.double(at: EntityTable.next) ?? 0) * scale)
        }
    }

    /// How many connections may rank an unfiltered search at once, and the highest rowid; nil for
    /// one (a small registry, one core, a database in memory, or inside a transaction, whose
    /// changes other connections cannot see).
    private func searchPartitions() throws -> (count: Int, lastRowid: Int64)? {
        let cores = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        guard cores > 1, sqlite3_get_autocommit(database.handle) != 0, Database.fileExists(database.path),
              let last = try database.scalarInt("SELECT max(rowid) FROM entities"), Int64(last) >= searchPartitionMinimum
        else { return nil }
        return (cores, Int64(last))
    }
}
