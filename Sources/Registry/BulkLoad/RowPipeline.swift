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
final class RowPipeline<Prepared: Sendable> {
    struct Batch: Sendable {
        var records: [PreparedRecord<Prepared>] = []
        var bytesRead = 0
    }

    private static var batchSize: Int { 512 }
    private static var capacity: Int { 8 }

    /// Sends batches read; takes back the ones the import has applied, to be freed on the reading
    /// thread (a million rows' strings were a measurable share of the writing thread's time when it
    /// freed them itself). At most `capacity` and the one being applied are out at a time, so twice
    /// that never makes `recycle` wait.
    private let worker: BackgroundWorker<Batch, Batch>

    /// Starts reading `reader` (the reading thread's alone from here on) on the reading thread.
    init(reader: sending CSVReader, path: String, map: HeaderMap, prepare: @escaping @Sendable (ImportRow) throws -> Prepared) {
        worker = BackgroundWorker(name: "registry-import-reader", inputCapacity: 2 * Self.capacity + 2,
                                  outputCapacity: Self.capacity) { port in
            // The storage of an applied batch, its rows freed, for the next: a new batch's array is a
            // large allocation, and each made glibc consolidate the thousands of small blocks the
            // previous batch's rows had just freed (with the file's read chunks, which `ChunkReader`
            // now reuses, that took 7% of this thread's samples).
            var storage: [PreparedRecord<Prepared>] = []
            var done = false
            while !done {
                var batch = Batch(records: storage)
                storage = []
                batch.records.reserveCapacity(RowPipeline.batchSize)  // a no-op for reused storage
                do {
                    while batch.records.count < RowPipeline.batchSize, let record = try reader.next() {
                        batch.records.append(RowPipeline.prepared(record, map: map, prepare: prepare))
                    }
                } catch let error as RegistryError {
                    // The file cannot be read on (a malformed file, an I/O error): the import stops.
                    throw error
                } catch {
                    throw RegistryError.io(path: path, message: "\(error)")
                }
                done = batch.records.count < RowPipeline.batchSize
                batch.bytesRead = reader.bytesRead
                var freed = port.drain()
                storage = freed.popLast()?.records ?? []
                storage.removeAll(keepingCapacity: true)
                freed.removeAll()
                guard port.send(batch) else { return }
            }
        }
    }

    /// The next batch in file order; nil after the last. Throws what stopped the reading.
    func next() throws -> Batch? {
        try worker.receive()
    }

    /// Hands an applied batch back, so the reading thread frees its rows.
    func recycle(_ batch: consuming Batch) {
        worker.send(batch)
    }

    /// Stops the reading thread and waits for it, so the reader is never used after the import.
    func stop() {
        worker.stop()
    }

    private static func prepared(
        _ record: CSVRecord, map: HeaderMap, prepare: @Sendable (ImportRow) throws -> Prepared
    ) -> PreparedRecord<Prepared> {
        let columnCount = map.header.count
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
