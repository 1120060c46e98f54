import CSQLite
import Foundation
import SQLiteStore

/// The best `limit` matches of a full-text query, ranked on several read-only connections at once
/// (each on a thread of its own, `Part`), each over its own range of rowids, then merged: ranking
/// every match of a broad word is CPU work that splits cleanly, and a machine has cores to spare
/// while one connection ranks.
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
            // Each part opens its connection and read transaction on its own thread and counts some
            // of the phrases' matches (bm25 needs each phrase's count; counted once, not by every part).
            let workers = Self.ranges(parts: parts, lastRowid: lastRowid).map {
                Part(path: path, range: $0, queue: phrases.count + 2)
            }
            defer { for worker in workers { worker.stop() } }
            let counted = phrases.count > 1 ? Array(phrases.enumerated()) : []
            for (phrase, text) in counted { workers[phrase % workers.count].send(.count(phrase: phrase, text)) }
            let heads = try workers.map { try $0.auditHead() }
            var phraseCounts = [Int64](repeating: 0, count: phrases.count)
            for (phrase, _) in counted { phraseCounts[phrase] = try workers[phrase % workers.count].count() }
            guard Set(heads).count == 1 else { continue }
            let given = phrases.count > 1 ? phraseCounts : nil
            for worker in workers {
                worker.send(.rank(match: match, limit: limit, weights: weights, phraseMatches: given))
            }
            let results = try workers.map { try $0.ranked() }
            // A one-word search leaves the inverse document frequency to the caller; a part without
            // a match in its range counted none (and ranked nothing).
            var factor = 1.0
            let counts = results.compactMap(\.counts)
            if let rows = counts.first?.rows {
                factor = RankTally.factor(rows: rows, matches: counts.reduce(0) { $0 + $1.matches })
            }
            let best = results.flatMap(\.rows)
                .sorted { ($0.rank, $0.rowid) < ($1.rank, $1.rowid) }
                .prefix(limit)
            let entities = try workers[0].entities(rowids: best.map(\.rowid))
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

/// One part: a thread with its own read-only connection and read transaction, which answers
/// requests over its range of rowids in the order they are sent.
private final class Part {
    enum Request: Sendable {
        case count(phrase: Int, String)
        case rank(match: String, limit: Int, weights: String, phraseMatches: [Int64]?)
        case entities([Int64])
    }

    enum Reply: Sendable {
        case opened(auditHead: Int64)
        case count(Int64)
        case ranked(Ranked)
        case entities([Int64: Entity])
    }

    /// The part's best rows and, for a one-word search, what the ranking left out.
    struct Ranked: Sendable {
        let rows: [(rowid: Int64, rank: Double)]
        let counts: (rows: Int64, matches: Int64)?
    }

    private let worker: BackgroundWorker<Request, Reply>

    /// Starts the part's thread, which first opens its connection and read transaction; `queue`
    /// requests can wait each way (the caller sends all of a step's before it reads the replies).
    init(path: String, range: ClosedRange<Int64>, queue: Int) {
        worker = BackgroundWorker(name: "registry-search-part", inputCapacity: queue, outputCapacity: queue) { port in
            let database = try Database(path: path, access: .readOnly)
            let index = SearchIndex(database: database)
            try database.execute("BEGIN")
            defer { if sqlite3_get_autocommit(database.handle) == 0 { try? database.execute("COMMIT") } }
            let head = Int64(try database.scalarInt("SELECT coalesce(max(seq), 0) FROM audit_log") ?? 0)
            guard port.send(.opened(auditHead: head)) else { return }
            while let request = port.receive() {
                let reply: Reply
                switch request {
                case let .count(_, phrase):
                    reply = .count(Int64(try database.scalarInt(
                        "SELECT count(*) FROM entity_search WHERE entity_search MATCH ?", [.text(phrase)]) ?? 0))
                case let .rank(match, limit, weights, phraseMatches):
                    index.rankTally.reset()
                    index.rankTally.phraseMatches = phraseMatches
                    let rows = try database.rows(
                        """
                        SELECT rowid, \(SearchRank.deferredName)(entity_search, \(weights)) AS rank FROM entity_search
                        WHERE entity_search MATCH ?1 AND rowid BETWEEN ?2 AND ?3 ORDER BY rank, rowid LIMIT ?4
                        """, [.text(match), .integer(range.lowerBound), .integer(range.upperBound), .integer(Int64(limit))]
                    ) { (rowid: Int64($0.int(at: 0) ?? 0), rank: $0.double(at: 1) ?? 0) }
                    reply = .ranked(Ranked(rows: rows, counts: index.rankTally.deferredCounts))
                case let .entities(rowids):
                    reply = .entities(try EntityStore.entities(in: database, rowids: rowids))
                }
                guard port.send(reply) else { return }
            }
        }
    }

    func send(_ request: Request) {
        worker.send(request)
    }

    /// The last audit entry the part's read transaction sees.
    func auditHead() throws -> Int64 {
        guard case let .opened(head) = try reply() else { throw Self.outOfStep }
        return head
    }

    /// The reply to the next `count` request sent.
    func count() throws -> Int64 {
        guard case let .count(count) = try reply() else { throw Self.outOfStep }
        return count
    }

    /// The reply to the `rank` request sent.
    func ranked() throws -> Ranked {
        guard case let .ranked(ranked) = try reply() else { throw Self.outOfStep }
        return ranked
    }

    /// The entities at `rowids`, read in the part's transaction.
    func entities(rowids: [Int64]) throws -> [Int64: Entity] {
        send(.entities(rowids))
        guard case let .entities(entities) = try reply() else { throw Self.outOfStep }
        return entities
    }

    /// Ends the read transaction and closes the connection, on the part's thread.
    func stop() {
        worker.stop()
    }

    private func reply() throws -> Reply {
        guard let reply = try worker.receive() else { throw Self.outOfStep }
        return reply
    }

    /// A reply that is not the one asked for: the thread ended early (it cannot answer out of order).
    private static let outOfStep = RegistryError.integrity(["a search part's thread ended before it answered"])
}
