import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files' dirty pages to disk on a thread of its own, every quarter of a second, while a
/// large transaction runs: the WAL as its pages spill into it, then the database file while the
/// commit's checkpoint copies them there.
///
/// Left alone, the kernel holds back up to a few hundred MB of a large import's WAL for 30 s and
/// writes it only when the commit syncs, so the commit waits for the disk twice (WAL, then the
/// checkpointed database) while the disk had sat idle through the CPU-bound rows. The extra syncs
/// change nothing SQLite relies on: it still syncs everything it must itself, in its own order.
/// At a million rows the commit went from 5.6–6.4 s to 3.2–4.5 s (Benchmarks/README, item 39).
final class Writeback: @unchecked Sendable {
    private let paths: [String]
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var stopped = false
    private var running = true

    private static let interval: TimeInterval = 0.25

    /// Starts syncing `paths` (files that do not exist yet are tried again each round).
    init(paths: [String]) {
        self.paths = paths
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
        var descriptors = [Int32](repeating: -1, count: paths.count)
        defer {
            for descriptor in descriptors where descriptor >= 0 { close(descriptor) }
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            if !stopped { condition.wait(until: Date(timeIntervalSinceNow: Self.interval)) }
            let stop = stopped
            condition.unlock()
            if stop { return }
            for (index, path) in paths.enumerated() {
                if descriptors[index] < 0 { descriptors[index] = open(path, O_RDONLY | O_CLOEXEC) }
                // A failure here is harmless: SQLite's own sync at the commit reports any real one.
                if descriptors[index] >= 0 { _ = Self.sync(descriptors[index]) }
            }
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
