import CSQLite
import Foundation

/// `registry_rank(entity_search, weight…)`: FTS5's `bm25` (the same formula, constants, column
/// weights and inverse document frequencies, so the same scores), reading each match's length
/// from `SearchNorms` instead of looking it up in FTS5's docsize table row by row.
///
/// Measured at a million entities (Benchmarks/JOURNAL.md, item 18): ranking the 220,000 matches of one
/// word took 0.30 s with `bm25`, of which the look-ups were about 0.22 s.
///
/// `registry_rank_deferred(…)` is the same, except that for a one-phrase query it leaves out the
/// phrase's inverse document frequency (a positive constant, so the order is the same) and counts
/// the matches instead, for `RankTally.factor` to scale the best rows afterwards: bm25 otherwise
/// reads every match twice, once to count them. Only for a query whose every match is scored.
enum SearchRank {
    static let name = "registry_rank"
    static let deferredName = "registry_rank_deferred"

    /// Registers both functions on the connection (FTS5 owns them from then on); false if SQLite has no FTS5.
    @discardableResult
    static func register(on handle: OpaquePointer, tally: RankTally) -> Bool {
        var api: UnsafeMutablePointer<fts5_api>?
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "SELECT fts5(?1)", -1, &statement, nil) == SQLITE_OK, let statement else {
            return false
        }
        defer { sqlite3_finalize(statement) }
        // SQLite keeps the type name's pointer and compares it later: it must be static.
        let type = UnsafeRawPointer(StaticString("fts5_api_ptr").utf8Start).assumingMemoryBound(to: CChar.self)
        withUnsafeMutablePointer(to: &api) { pointer in
            sqlite3_bind_pointer(statement, 1, pointer, type, nil)
            _ = sqlite3_step(statement)
        }
        guard let api, let create = api.pointee.xCreateFunction, create(api, name, nil, rank, nil) == SQLITE_OK
        else { return false }
        // FTS5 releases the tally when the connection closes; when it refuses the function, nothing
        // holds it (fts5CreateAux does not call the destructor then).
        let retained = Unmanaged.passRetained(tally)
        guard create(api, deferredName, retained.toOpaque(), rank, { pointer in
            if let pointer { Unmanaged<RankTally>.fromOpaque(pointer).release() }
        }) == SQLITE_OK else {
            retained.release()
            return false
        }
        return true
    }

    /// bm25's constants (fts5_aux.c).
    private static let k1 = 1.2
    private static let b = 0.75

    private static let rank: fts5_extension_function = { api, fts, context, count, arguments in
        guard let api, let fts, let context else { return }
        let functions = api.pointee
        guard let getAuxdata = functions.xGetAuxdata, let instCount = functions.xInstCount, let inst = functions.xInst,
              let rowid = functions.xRowid, let columnSize = functions.xColumnSize, let userData = functions.xUserData
        else { return sqlite3_result_error(context, "registry_rank: FTS5 API without auxiliary functions", -1) }
        let query: RankQuery
        if let stored = getAuxdata(fts, 0) {
            query = Unmanaged<RankQuery>.fromOpaque(stored).takeUnretainedValue()
        } else {
            do {
                let tally = userData(fts).map { Unmanaged<RankTally>.fromOpaque($0).takeUnretainedValue() }
                query = try RankQuery(api: api, fts: fts, context: context, tally: tally)
            } catch let code as RankFailure {
                return sqlite3_result_error_code(context, code.code)
            } catch {
                return sqlite3_result_error_code(context, SQLITE_ERROR)
            }
        }
        var instances: Int32 = 0
        var code = instCount(fts, &instances)
        guard code == SQLITE_OK else { return sqlite3_result_error_code(context, code) }
        // Buffers, not arrays: this runs once per match, and array properties of a class pay
        // an exclusivity check on every access.
        let frequencies = query.frequencies
        frequencies.update(repeating: 0)
        for index in 0..<instances {
            var phrase: Int32 = 0
            var column: Int32 = 0
            var offset: Int32 = 0
            code = inst(fts, index, &phrase, &column, &offset)
            guard code == SQLITE_OK else { return sqlite3_result_error_code(context, code) }
            // Weights are read on every call, as bm25 does: two calls in one statement share `query`.
            var weight = 1.0
            if column < count, let arguments { weight = sqlite3_value_double(arguments[Int(column)]) }
            frequencies[Int(phrase)] += weight
        }
        let row = rowid(fts)
        query.tally?.count(row)
        var length = 0.0
        do {
            length = Double(try query.length(of: row))
        } catch let failure as RankFailure {
            return sqlite3_result_error_code(context, failure.code)
        } catch {
            return sqlite3_result_error_code(context, SQLITE_ERROR)
        }
        if length == 0 {
            // No stored length (none written yet, or 255 tokens or more): ask FTS5, as bm25 does.
            var tokens: Int32 = 0
            code = columnSize(fts, -1, &tokens)
            guard code == SQLITE_OK else { return sqlite3_result_error_code(context, code) }
            length = Double(tokens)
        }
        let inverse = query.inverseFrequencies
        let normalised = k1 * (1 - b + b * length / query.averageLength)
        var score = 0.0
        for phrase in 0..<inverse.count {
            let frequency = frequencies[phrase]
            score += inverse[phrase] * ((frequency * (k1 + 1.0)) / (frequency + normalised))
        }
        sqlite3_result_double(context, -1.0 * score)
    }
}

private struct RankFailure: Error {
    let code: Int32
}

/// What `registry_rank_deferred` left out of its last query's scores (one per connection).
final class RankTally {
    /// Rows in the index and distinct matches counted, when the inverse document frequency was left out.
    private var rows: Int64?
    private var matches: Int64 = 0
    private var lastRowid: Int64?

    /// For a query of several phrases: how many documents hold each, counted beforehand in the same
    /// transaction, so ranking does not read each phrase's matches again to count them.
    var phraseMatches: [Int64]?

    /// Forgets the previous query; call before running one with `registry_rank_deferred`.
    func reset() {
        rows = nil
        matches = 0
        lastRowid = nil
        phraseMatches = nil
    }

    fileprivate func deferInverseFrequency(rows: Int64) {
        self.rows = rows
    }

    /// Counts a scored row once (SQLite may score a row more than once; matches come in rowid order).
    fileprivate func count(_ rowid: Int64) {
        guard rows != nil, rowid != lastRowid else { return }
        lastRowid = rowid
        matches += 1
    }

    /// What to multiply the last query's scores by to get bm25's: the phrase's inverse document
    /// frequency, computed as bm25 does; 1 when nothing was left out. Read once every match is scored.
    var factor: Double {
        guard let rows else { return 1 }
        return Self.factor(rows: rows, matches: matches)
    }

    /// Rows in the index and matches counted, when the last query left the frequency out.
    var deferredCounts: (rows: Int64, matches: Int64)? {
        rows.map { ($0, matches) }
    }

    /// bm25's inverse document frequency of a phrase found in `matches` of `rows` documents.
    static func factor(rows: Int64, matches: Int64) -> Double {
        let idf = log((Double(rows) - Double(matches) + 0.5) / (Double(matches) + 0.5))
        return idf <= 0 ? 1e-6 : idf
    }
}

/// What one query's ranking computes once (as bm25 does), and the chunk of lengths last read.
private final class RankQuery {
    let inverseFrequencies: UnsafeMutableBufferPointer<Double>
    let averageLength: Double
    /// Set when this query's inverse document frequency is left to the caller (see `RankTally`).
    let tally: RankTally?
    /// Per-phrase weighted hit counts of the current row.
    let frequencies: UnsafeMutableBufferPointer<Double>
    private let statement: OpaquePointer
    /// The number of the chunk `lengths` holds (-1: none yet).
    private let chunk: UnsafeMutablePointer<Int64>
    private let lengths: UnsafeMutableBufferPointer<UInt32>

    init(
        api: UnsafePointer<Fts5ExtensionApi>, fts: OpaquePointer, context: OpaquePointer, tally: RankTally?
    ) throws {
        let functions = api.pointee
        guard let rowCount = functions.xRowCount, let totalSize = functions.xColumnTotalSize,
              let phraseCount = functions.xPhraseCount, let queryPhrase = functions.xQueryPhrase,
              let setAuxdata = functions.xSetAuxdata
        else { throw RankFailure(code: SQLITE_ERROR) }
        var rows: Int64 = 0
        var tokens: Int64 = 0
        var code = rowCount(fts, &rows)
        if code == SQLITE_OK { code = totalSize(fts, -1, &tokens) }
        guard code == SQLITE_OK else { throw RankFailure(code: code) }
        averageLength = Double(tokens) / Double(rows)
        var inverse: [Double] = []
        let phrases = phraseCount(fts)
        if let tally, phrases == 1 {
            tally.deferInverseFrequency(rows: rows)
            self.tally = tally
            inverse.append(1)
        } else {
            self.tally = nil
        }
        let given = tally?.phraseMatches.flatMap { $0.count == Int(phrases) ? $0 : nil }
        for phrase in 0..<(self.tally == nil ? phrases : 0) {
            // The number of documents holding the phrase, counted the way bm25 counts it (or
            // counted already, by the caller, in this transaction: see `RankTally.phraseMatches`).
            var hits: Int64 = given?[Int(phrase)] ?? 0
            if given == nil {
                code = withUnsafeMutablePointer(to: &hits) { pointer in
                    queryPhrase(fts, phrase, pointer) { _, _, hits in
                        hits?.assumingMemoryBound(to: Int64.self).pointee += 1
                        return SQLITE_OK
                    }
                }
                guard code == SQLITE_OK else { throw RankFailure(code: code) }
            }
            let idf = log((Double(rows) - Double(hits) + 0.5) / (Double(hits) + 0.5))
            inverse.append(idf <= 0 ? 1e-6 : idf)
        }
        let database = sqlite3_context_db_handle(context)
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(database, "SELECT lengths FROM search_norms WHERE chunk = ?", -1,
                                 UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement
        else { throw RankFailure(code: sqlite3_errcode(database)) }
        self.statement = statement
        inverseFrequencies = .allocate(capacity: inverse.count)
        _ = inverseFrequencies.initialize(from: inverse)
        frequencies = .allocate(capacity: inverse.count)
        frequencies.initialize(repeating: 0)
        chunk = .allocate(capacity: 1)
        chunk.initialize(to: -1)
        lengths = .allocate(capacity: Int(SearchNorms.documentsPerChunk))
        lengths.initialize(repeating: 0)
        let retained = Unmanaged.passRetained(self).toOpaque()
        code = setAuxdata(fts, retained) { pointer in
            if let pointer { Unmanaged<RankQuery>.fromOpaque(pointer).release() }
        }
        guard code == SQLITE_OK else { throw RankFailure(code: code) }
    }

    deinit {
        sqlite3_finalize(statement)
        inverseFrequencies.deallocate()
        frequencies.deallocate()
        chunk.deallocate()
        lengths.deallocate()
    }

    /// The document's stored length; 0 when none is stored or it is 255 tokens or more.
    func length(of rowid: Int64) throws -> UInt32 {
        let number = rowid / SearchNorms.documentsPerChunk
        if number != chunk.pointee {
            chunk.pointee = number
            lengths.update(repeating: 0)
            sqlite3_reset(statement)
            sqlite3_bind_int64(statement, 1, number)
            let code = sqlite3_step(statement)
            if code == SQLITE_ROW {
                let bytes = UnsafeRawBufferPointer(
                    start: sqlite3_column_blob(statement, 0), count: Int(sqlite3_column_bytes(statement, 0)))
                SearchNorms.decode(bytes, into: lengths)
            } else if code != SQLITE_DONE {
                throw RankFailure(code: code)
            }
            sqlite3_reset(statement)
        }
        let index = Int(rowid - number * SearchNorms.documentsPerChunk)
        let length = rowid < 0 ? 0 : lengths[index]
        return length == 255 ? 0 : length
    }
}
