import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a large transaction's WAL to disk on a thread of its own, every quarter of a second,
/// while the transaction runs.
///
/// Left alone, the kernel holds back up to a few hundred MB of a large import's WAL for 30 s and
/// writes it only when the commit syncs, so the commit waits for the disk that sat idle through the
/// CPU-bound rows. The extra syncs change nothing SQLite relies on: it still syncs everything it
/// must itself, in its own order (Benchmarks/README, item 39).
///
/// Only the WAL: SQLite keeps its locks on the database file as POSIX locks, which belong to the
/// process, and closing any descriptor of that file would release them all while the registry is
/// still open. The WAL holds no locks (they are on `-shm`).
final class Writeback: @unchecked Sendable {
    private let path: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var stopped = false
    private var running = true

    private static let interval: TimeInterval = 0.25

    /// Starts syncing the WAL at `path` (tried again each round until it exists).
    init(walPath path: String) {
        precondition(path.hasSuffix("-wal"), "only a WAL: a database file's descriptor must not be closed")
        self.path = path
        let thread = Thread { [self] in run() }
        thread.name = "registry-writeback"
        thread.start()
    }

    /// Stops the thread and waits for it.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var descriptor: Int32 = -1
        defer {
            if descriptor >= 0 { close(descriptor) }
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
            let stop = stopped
            condition.unlock()
            if stop { return }
            if descriptor < 0 { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
            // A failure here is harmless: SQLite's own sync at the commit reports any real one.
            if descriptor >= 0 { _ = Self.sync(descriptor) }
        }
    }

    private static func sync(_ descriptor: Int32) -> Int32 {
        #if os(Linux)
        fdatasync(descriptor)
        #else
        fsync(descriptor)
        #endif
    }
}
