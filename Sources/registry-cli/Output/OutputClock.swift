import Foundation

/// Accumulates the time spent writing rows, to tell it apart from the query's own time.
final class OutputClock {
    private(set) var nanoseconds: UInt64 = 0
    /// Off unless --timing was given: a million rows need not read the clock two million times.
    private let enabled: Bool

    init(enabled: Bool = true) {
        self.enabled = enabled
    }

    func measure<T>(_ body: () throws -> T) rethrows -> T {
        guard enabled else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { nanoseconds += DispatchTime.now().uptimeNanoseconds - start }
        return try body()
    }
}
