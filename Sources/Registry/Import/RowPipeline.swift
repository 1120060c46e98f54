import Foundation

/// A record read from the file and prepared off the database thread: the raw cells (for the
/// rejects file), and what the importer's `prepare` made of them or the problem it found.
struct PreparedRecord<Prepared: Sendable>: Sendable {
    let record: Int
    let line: Int
    let fields: [String]
    let result: Result<Prepared, RegistryError>
}

/// Reads and prepares records on a second thread while the import's transaction applies earlier
/// ones: parsing and validating a row costs about as much as writing it, and a machine has cores
/// to spare while SQLite writes. Batches keep the hand-over cheap; a bounded queue keeps memory flat.
final class RowPipeline<Prepared: Sendable>: @unchecked Sendable {
    struct Batch: Sendable {
        var records: [PreparedRecord<Prepared>] = []
        var bytesRead = 0
        /// The file cannot be read on (a malformed file, an I/O error): the import stops.
        var failure: RegistryError?
    }

    private static var batchSize: Int { 512 }
    private static var capacity: Int { 8 }

    private let condition = NSCondition()
    private var queue: [Batch] = []
    /// Batches the import has applied, freed on the reading thread: a million rows' strings
    /// were a measurable share of the writing thread's time when it freed them itself.
    private var spent: [Batch] = []
    private var finished = false
    private var cancelled = false
    private var running = true
    // Touched only by the reading thread once it starts.
    private let reader: CSVReader
    private let path: String
    private let map: HeaderMap
    private let columnCount: Int
    private let prepare: @Sendable (ImportRow) throws -> Prepared

    init(reader: CSVReader, path: String, map: HeaderMap, prepare: @escaping @Sendable (ImportRow) throws -> Prepared) {
        self.reader = reader
        self.path = path
        self.map = map
        self.columnCount = map.header.count
        self.prepare = prepare
        let thread = Thread { [self] in produce() }
        thread.name = "registry-import-reader"
        thread.start()
    }

    /// The next batch in file order; nil after the last. Throws what stopped the reading.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        guard !queue.isEmpty else { return nil }
        let batch = queue.removeFirst()
        condition.signal()
        if let failure = batch.failure { throw failure }
        return batch
    }

    /// Hands an applied batch back, so the reading thread frees its rows.
    func recycle(_ batch: consuming Batch) {
        condition.lock()
        spent.append(batch)
        condition.unlock()
    }

    /// Stops the reading thread and waits for it, so the reader is never used after the import.
    func stop() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func produce() {
        var done = false
        // The storage of an applied batch, its rows freed, for the next: a new batch's array is a
        // large allocation, and each made glibc consolidate the thousands of small blocks the
        // previous batch's rows had just freed (with the file's read chunks, which `ChunkReader`
        // now reuses, that took 7% of this thread's samples).
        var storage: [PreparedRecord<Prepared>] = []
        while !done {
            var batch = Batch(records: storage)
            storage = []
            batch.records.reserveCapacity(Self.batchSize)  // a no-op for reused storage
            do {
                while batch.records.count < Self.batchSize, let record = try reader.next() {
                    batch.records.append(prepared(record))
                }
                done = batch.records.count < Self.batchSize
            } catch let error as RegistryError {
                batch.failure = error
                done = true
            } catch {
                batch.failure = .io(path: path, message: "\(error)")
                done = true
            }
            batch.bytesRead = reader.bytesRead
            condition.lock()
            var freed = spent
            spent = []
            condition.unlock()
            // Outside the lock.
            storage = freed.popLast()?.records ?? []
            storage.removeAll(keepingCapacity: true)
            freed.removeAll()
            condition.lock()
            while queue.count >= Self.capacity && !cancelled { condition.wait() }
            if cancelled { done = true } else { queue.append(batch) }
            if done { finished = true }
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }

    private func prepared(_ record: CSVRecord) -> PreparedRecord<Prepared> {
        let result: Result<Prepared, RegistryError>
        if record.fields.count != columnCount {
            result = .failure(.invalidRecord(RecordProblem(
                record: record.number, line: record.line,
                message: "has \(record.fields.count) fields, the header has \(columnCount)")))
        } else {
            // The record's own array when no cell needs trimming or unguarding (nearly always): no copy
            // of the row. Every importer reads its cells here. The spreadsheet guard (`SpreadsheetCell`)
            // goes after trimming: it was put before a stored value, which is already trimmed.
            var cells = record.fields
            for index in map.mappedColumns {
                let value = SpreadsheetCell.unguarded(record.fields[index].trimmed)
                // Both only remove, so the value changed exactly when its length did.
                if value.utf8.count != record.fields[index].utf8.count { cells[index] = value }
            }
            do {
                result = .success(try prepare(ImportRow(record: record.number, line: record.line, cells: cells, map: map)))
            } catch let error as RegistryError {
                result = .failure(error)
            } catch {
                result = .failure(.invalidRecord(RecordProblem(record: record.number, line: record.line, message: "\(error)")))
            }
        }
        return PreparedRecord(record: record.number, line: record.line, fields: record.fields, result: result)
    }
}
