import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a large transaction's pages to disk on a thread of its own, every quarter of a second,
/// while the transaction runs.
///
/// Left alone, the kernel holds back up to a few hundred MB of a large import's writes for 30 s and
/// writes them only when the commit syncs, so the commit waits for the disk that sat idle through
/// the CPU-bound rows. The extra syncs change nothing SQLite relies on: it still syncs everything
/// it must itself, in its own order, and the kernel may write any page SQLite has handed it at any
/// time anyway (Benchmarks/JOURNAL.md, items 39 and 45).
///
/// SQLite keeps its locks on the database file as POSIX locks, which belong to the process, and
/// closing any descriptor of that file would release them all while the registry is still open.
/// So the WAL (which holds no locks; they are on `-shm`) is synced through a descriptor of the
/// thread's own, and the database file only through a descriptor SQLite already has open on it,
/// which the thread never closes. On that one it only starts the writing (Linux's
/// `sync_file_range` without waiting): a sync that waits would take the report of a failed write
/// that belongs to SQLite's own sync at the commit (the kernel reports such an error once per
/// open file), and the commit would then succeed over lost pages.
final class Writeback {
    private enum Target: Sendable {
        case log(path: String)
        case database(FileIdentity)
    }

    /// Counts a round as progress; takes and gives nothing else.
    private let worker: BackgroundWorker<Never, Never>

    private static let interval: TimeInterval = 0.25

    /// Starts syncing the WAL at `path` (tried again each round until it exists).
    init(walPath path: String) {
        precondition(path.hasSuffix("-wal"), "only a WAL: a database file's descriptor must not be closed")
        worker = Self.start(.log(path: path))
    }

    /// Starts writing out the database file at `path`, which a load writes through a rollback
    /// journal, through the descriptor the registry's connection holds on it; nothing is written
    /// while no descriptor of this process is open on the file. Nil when the file does not exist,
    /// and where the system cannot start a write without waiting for it (not Linux).
    init?(databasePath path: String) {
        #if os(Linux)
        guard let file = FileIdentity(path: path) else { return nil }
        worker = Self.start(.database(file))
        #else
        return nil
        #endif
    }

    /// How many rounds wrote out so far (a sync of the WAL, or a started write of the database file).
    var rounds: Int { worker.progress }

    /// Stops the thread and waits for it.
    func stop() {
        worker.stop()
    }

    private static func start(_ target: Target) -> BackgroundWorker<Never, Never> {
        BackgroundWorker(name: "registry-writeback") { port in
            var owned: Int32 = -1
            var borrowed: Int32 = -1
            defer { if owned >= 0 { close(owned) } }
            while port.pause(Writeback.interval) {
                var done = false
                switch target {
                case let .log(path):
                    if owned < 0 { owned = open(path, O_RDONLY | O_CLOEXEC) }
                    // A failure here is harmless: SQLite's own sync at the commit reports any real one
                    // (this descriptor is the thread's own, so the kernel reports an error to both).
                    done = owned >= 0 && Writeback.sync(owned) == 0
                case let .database(file):
                    // Checked each round: a descriptor SQLite closed may since name another file.
                    if borrowed < 0 || FileIdentity(descriptor: borrowed) != file {
                        borrowed = file.openDescriptors().first ?? -1
                    }
                    done = borrowed >= 0 && Writeback.startWriting(borrowed) == 0
                }
                if done { port.countProgress() }
            }
        }
    }

    /// Starts writing the file's dirty pages without waiting for them or for any error: those stay
    /// for SQLite's own sync.
    private static func startWriting(_ descriptor: Int32) -> Int32 {
        #if os(Linux)
        csqlite_start_writeback(descriptor)
        #else
        -1
        #endif
    }

    private static func sync(_ descriptor: Int32) -> Int32 {
        #if os(Linux)
        fdatasync(descriptor)
        #else
        fsync(descriptor)
        #endif
    }
}
