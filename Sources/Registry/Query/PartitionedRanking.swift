import CSQLite
import Foundation
import SQLiteStore

/// The best `limit` matches of a full-text query, ranked on several read-only connections at once,
/// each over its own range of rowids, then merged: ranking every match of a broad word is CPU work
/// that splits cleanly, and a machine has cores to spare while one connection ranks.
///
/// All parts must read the same state of the registry. Every committed change appends to the audit
/// log, so parts whose read transactions see the same last audit entry see the same registry; when
/// a write lands between their starts they are run again (`nil` after three tries).
struct PartitionedRanking: Sendable {
    let path: String
    let match: String
    /// The phrases of `match`, in order.
    let phrases: [String]
    let limit: Int
    let weights: String

    /// The merged best rows, with bm25's scores, read in one part's transaction; nil when the
    /// parts kept seeing different states.
    func run(parts: Int, lastRowid: Int64) throws -> [(entity: Entity, rank: Double)]? {
        for _ in 0..<3 {
            let ranges = Self.ranges(parts: parts, lastRowid: lastRowid)
            let workers = ranges.map { Part(range: $0) }
            defer { for worker in workers { worker.finish() } }
            // Each part opens its connection and read transaction and counts some of the phrases'
            // matches (bm25 needs each phrase's count; counted once, not by every part).
            let phraseCounts = PhraseCounts(phrases.count)
            DispatchQueue.concurrentPerform(iterations: workers.count) { index in
                workers[index].open(path: path)
                for phrase in stride(from: index, to: phrases.count > 1 ? phrases.count : 0, by: workers.count) {
                    phraseCounts.set(phrase, workers[index].count(phrases[phrase]))
                }
            }
            for worker in workers { if let error = worker.error { throw error } }
            guard Set(workers.map(\.auditHead)).count == 1, let first = workers.first, let database = first.database
            else { continue }
            let given = phrases.count > 1 ? phraseCounts.values : nil
            DispatchQueue.concurrentPerform(iterations: workers.count) { index in
                workers[index].rank(match: match, limit: limit, weights: weights, phraseMatches: given)
            }
            for worker in workers { if let error = worker.error { throw error } }
            // A one-word search leaves the inverse document frequency to the caller; a part without
            // a match in its range counted none (and ranked nothing).
            var factor = 1.0
            let counts = workers.compactMap(\.counts)
            if let rows = counts.first?.rows {
                factor = RankTally.factor(rows: rows, matches: counts.reduce(0) { $0 + $1.matches })
            }
            let best = workers.flatMap(\.ranked)
                .sorted { ($0.rank, $0.rowid) < ($1.rank, $1.rowid) }
                .prefix(limit)
            let entities = try EntityStore.entities(in: database, rowids: best.map(\.rowid))
            return best.compactMap { ranked in entities[ranked.rowid].map { ($0, ranked.rank * factor) } }
        }
        return nil
    }

    /// `parts` consecutive ranges covering every rowid.
    static func ranges(parts: Int, lastRowid: Int64) -> [ClosedRange<Int64>] {
        let size = max(1, lastRowid / Int64(parts) + 1)
        return (0..<Int64(parts)).map { part in
            let lower = part == 0 ? Int64.min : part * size + 1
            let upper = part == Int64(parts) - 1 ? Int64.max : (part + 1) * size
            return lower...upper
        }
    }
}

/// One part's connection, read transaction and best rows.
private final class Part: @unchecked Sendable {
    let range: ClosedRange<Int64>
    private(set) var database: Database?
    private var index: SearchIndex?
    private(set) var auditHead: Int64 = -1
    private(set) var ranked: [(rowid: Int64, rank: Double)] = []
    private(set) var counts: (rows: Int64, matches: Int64)?
    private(set) var error: Error?

    init(range: ClosedRange<Int64>) {
        self.range = range
    }

    /// On its own thread: opens a connection and starts a read transaction.
    func open(path: String) {
        do {
            let database = try Database(path: path, access: .readOnly)
            let index = SearchIndex(database: database)
            (self.database, self.index) = (database, index)
            try database.execute("BEGIN")
            auditHead = Int64(try database.scalarInt("SELECT coalesce(max(seq), 0) FROM audit_log") ?? 0)
        } catch {
            self.error = error
        }
    }

    /// The number of documents matching `phrase` (0 after an error, which `error` holds).
    func count(_ phrase: String) -> Int64 {
        guard error == nil, let database else { return 0 }
        do {
            return Int64(try database.scalarInt(
                "SELECT count(*) FROM entity_search WHERE entity_search MATCH ?", [.text(phrase)]) ?? 0)
        } catch {
            self.error = error
            return 0
        }
    }

    /// On its own thread: ranks the matches in the range.
    func rank(match: String, limit: Int, weights: String, phraseMatches: [Int64]?) {
        guard error == nil, let database, let index else { return }
        do {
            index.rankTally.reset()
            index.rankTally.phraseMatches = phraseMatches
            ranked = try database.rows(
                """
                SELECT rowid, \(SearchRank.deferredName)(entity_search, \(weights)) AS rank FROM entity_search
                WHERE entity_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3 ORDER BY rank, rowid LIMIT ?4
                """, [.text(match), .integer(range.lowerBound), .integer(range.upperBound), .integer(Int64(limit))]
            ) { (Int64($0.int(at: 0) ?? 0), $0.double(at: 1) ?? 0) }
            counts = index.rankTally.deferredCounts
        } catch {
            self.error = error
        }
    }

    /// Ends the read transaction and closes the connection.
    func finish() {
        if let database, sqlite3_get_autocommit(database.handle) == 0 { try? database.execute("COMMIT") }
        index = nil
        database = nil
    }
}

/// Each phrase's number of matching documents, filled in by the parts at once.
private final class PhraseCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [Int64]

    init(_ phrases: Int) {
        counts = Array(repeating: 0, count: phrases)
    }

    func set(_ phrase: Int, _ count: Int64) {
        lock.withLock { counts[phrase] = count }
    }

    var values: [Int64] {
        lock.withLock { counts }
    }
}
