import Foundation
import SQLiteStore
#if canImport(Glibc)
import Glibc
#endif

/// Builds the full-text index of a load into an empty registry on a thread of its own, in a
/// scratch file beside the registry, while the import writes the rows; `install` then copies the
/// finished index into the registry inside the import's transaction.
///
/// Indexing a million entities costs FTS5 about twice what `sqlite3 .import` needs for the whole
/// file, and the import's own connection is busy writing rows all that time; copying the built
/// index's tables is a fraction of that. The copy is the index FTS5 builds in place with the
/// build's merge setting (`automerge`): the same table definition, the same folded text, the same
/// rowids in the same order (byte for byte; a file that changes an entity again leaves FTS5's
/// deletion markers where in place it would not). With FTS5's default setting the segments differ
/// and the documents and search results do not.
final class SearchBuild {
    /// One entity's searchable text, as the registry stores it (folded on the building thread).
    struct Document: Sendable {
        let rowid: Int64
        let name: String
        let city, street, note: String?
    }

    /// The scratch file (deleted by `close`).
    let path: String
    /// The file this build made at `path`: `install` reads only that one.
    private let identity: FileIdentity?
    /// Takes batches of documents; owns the scratch file's connection, closed when the build ends.
    private let worker: BackgroundWorker<[Document], Never>
    private var pending: [Document] = []

    /// FTS5's merge setting for the build (its default is 4): segments are merged once 16 of a size
    /// have piled up rather than 4, so each term's entries are rewritten fewer times. A million
    /// entities index with about 15% less CPU and search as fast (Benchmarks/JOURNAL.md, item 38). It
    /// stays in the scratch file; the registry's index keeps FTS5's default.
    static let automerge = 16
    private static let batchSize = 1_024
    private static let capacity = 16

    /// What the scratch file's name adds to the registry's.
    static let scratchSuffix = "-search"

    /// The scratch file beside the registry at `registryPath`.
    static func scratchPath(besideRegistryAt registryPath: String) -> String { registryPath + scratchSuffix }

    /// The SQLite header's application id a scratch file carries from its first write ("RSCH"):
    /// what tells a killed build's leftover from another database that happens to have its name.
    static let applicationID: Int32 = 0x5253_4348

    /// Deletes a scratch file a killed build left beside the registry: empty (killed as soon as it
    /// was made) or an SQLite file with `applicationID`. Anything else there (a link, a folder,
    /// another user's file, another database) is not the registry's to delete, and a build in its
    /// place could be sent elsewhere: refused.
    static func removeLeftover(besideRegistryAt registryPath: String) throws {
        let path = scratchPath(besideRegistryAt: registryPath)
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let type = info.st_mode & S_IFMT
        let problem: String?
        if type == S_IFLNK {
            problem = "a symbolic link"
        } else if type != S_IFREG {
            problem = "not a regular file"
        } else if info.st_uid != geteuid() {
            problem = "a file of another user"
        } else if info.st_size > 0 && !isLeftover(path) {
            problem = "a file that is not a search index"
        } else {
            problem = nil
        }
        if let problem {
            throw RegistryError.cannotCreate(
                path: path, reason: "the first import's search index is built here, but the path holds \(problem), "
                    + "not one left by a killed import of this registry; move it away and import again")
        }
        unlink(path)
    }

    private static func isLeftover(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = [UInt8]((try? handle.read(upToCount: 72)) ?? Data())
        // The application id sits at offset 68 of SQLite's header, big-endian.
        guard header.count == 72, header.starts(with: Array("SQLite format 3\u{0}".utf8)) else { return false }
        let id = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return Int32(bitPattern: id) == applicationID
    }

    /// Creates the scratch file beside the registry at `registryPath` with the registry's own index
    /// definition and starts the thread.
    init(besideRegistryAt registryPath: String, tableSQL: String) throws {
        let path = Self.scratchPath(besideRegistryAt: registryPath)
        self.path = path
        let descriptor = try PrivateFile.create(path)
        identity = FileIdentity(descriptor: descriptor)
        Glibc.close(descriptor)
        let scratch: Database
        do {
            scratch = try Database.scratch(path: path)
        } catch {
            unlink(path)
            throw RegistryError.mapped(error)
        }
        do {
            try scratch.execute("PRAGMA application_id = \(Self.applicationID)")
            try scratch.execute(tableSQL)
            try scratch.execute("INSERT INTO entity_search (entity_search, rank) VALUES ('automerge', \(Self.automerge))")
        } catch {
            unlink(path)
            throw RegistryError.mapped(error)
        }
        // At the same priority as the other two (Benchmarks/JOURNAL.md, item 47): lowered, this thread
        // got little of a core shared with them, its queue filled, and the writing thread stalled.
        worker = BackgroundWorker(name: "registry-search-build", inputCapacity: Self.capacity) { port in
            do {
                try SearchBuild.index(into: scratch, from: port)
            } catch let error as RegistryError {
                throw error
            } catch let error as DatabaseError {
                throw RegistryError(error)
            } catch {
                throw RegistryError.io(path: path, message: "\(error)")
            }
        }
        pending.reserveCapacity(Self.batchSize)
    }

    /// Queues an entity's text; an entity added again replaces what was queued before.
    func add(_ document: Document) {
        pending.append(document)
        if pending.count == Self.batchSize { send() }
    }

    /// Waits until every queued document is indexed and the scratch file is complete.
    func finish() throws {
        send()
        try worker.finish()
    }

    /// Stops the thread (if it still runs) and deletes the scratch file.
    func close() {
        worker.stop()
        unlink(path)
    }

    /// Replaces the registry's (empty) index with the built one, inside the caller's transaction.
    ///
    /// The index table is dropped and created again first: FTS5 caches an index's structure per
    /// connection, and a cache from before the copy must not outlive it.
    func install(into database: Database, tableSQL: String) throws {
        try? database.execute("DETACH DATABASE search_build")  // one a failed detach may have left
        try database.run("ATTACH DATABASE ? AS search_build", [.text(Self.readOnlyURI(path))])
        try database.withoutDefensiveMode {
            try database.execute("DROP TABLE entity_search")
            try database.execute(tableSQL)
            try database.execute("DELETE FROM entity_search_data; DELETE FROM entity_search_idx")
            // Each copy is SQLite's transfer: pages of records, not rows through the index code.
            for table in ["entity_search_data", "entity_search_idx", "entity_search_content", "entity_search_docsize"] {
                try database.execute("INSERT INTO main.\(table) SELECT * FROM search_build.\(table)")
            }
        }
    }

    /// Refuses to go on when the file at `path` is no longer the one this build made: a link or
    /// another file put in its place is not read (and `install` attaches the file read-only, so
    /// that even a link put there after this check can create nothing).
    func requireOwnFile() throws {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, let identity,
              FileIdentity(path: path) == identity
        else {
            throw RegistryError.cannotCreate(
                path: path, reason: "the first import's search index was built here, but another file took its place")
        }
    }

    /// `path` as an SQLite URI opening it read-only (no file is created if it is gone).
    static func readOnlyURI(_ path: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/".utf8)
        var uri = "file:"
        for byte in path.utf8 {
            if allowed.contains(byte) {
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                uri += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return uri + "?mode=ro"
    }

    private func send() {
        guard !pending.isEmpty else { return }
        // A build that stopped takes no more: `finish` reports why.
        worker.send(pending)
        pending = []
        pending.reserveCapacity(Self.batchSize)
    }

    /// On the building thread: indexes the batches as they come, and commits once the owner
    /// finishes (not when it stops the build).
    private static func index(into scratch: Database, from port: BackgroundWorker<[Document], Never>.Port) throws {
        try scratch.execute("BEGIN")
        let insert = try scratch.prepare(
            "INSERT INTO entity_search (rowid, name, city, street, note, scopes) VALUES (?, ?, ?, ?, ?, NULL)")
        let replace = try scratch.prepare(
            "INSERT OR REPLACE INTO entity_search (rowid, name, city, street, note, scopes) VALUES (?, ?, ?, ?, ?, NULL)")
        var highest = Int64.min
        // One buffer for every document: the folded texts are written into it and bound from it,
        // with no string made for them and no copy by SQLite.
        var row = EncodedRow(capacity: 1_024)
        while let documents = port.receive() {
            for document in documents {
                // Rows arrive in rowid order; only an entity changed again by the same file comes back.
                let statement = document.rowid > highest ? insert : replace
                highest = max(highest, document.rowid)
                row.removeAll()
                row.append(integer: document.rowid)
                row.append(searchText: document.name)
                row.append(searchText: document.city)
                row.append(searchText: document.street)
                row.append(searchText: document.note)
                try statement.execute(row)
            }
        }
        if !port.isCancelled { try scratch.execute("COMMIT") }
    }
}
