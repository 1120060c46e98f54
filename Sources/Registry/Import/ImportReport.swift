/// What an import did (or, with `dryRun`, would do).
public struct ImportReport: Sendable {
    /// What happened to one row.
    public struct RowAction: Sendable, Equatable {
        public let record: Int
        public let line: Int
        /// `insert`, `update`, `unchanged` or `reject`.
        public let action: String
        /// The object's id (nil for a rejected row).
        public let id: String?
    }

    public var file: String
    public var encoding: String
    public var delimiter: String
    public var rows = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var dryRun: Bool
    /// The batch id, when something was written.
    public var batchID: String?
    public var errors: [RecordProblem] = []
    /// Things worth knowing that do not stop the import (unknown columns, the encoding guessed).
    public var warnings: [String] = []
    public var actions: [RowAction] = []
    /// Seconds spent in each phase (reading and applying rows, rebuilding indexes, the full-text
    /// index, the commit), in order: what `--timing` prints, for benchmarks.
    public var phases: [(phase: String, seconds: Double)] = []

    /// The summary as the JSON object `--format json` prints.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "file": .string(file), "encoding": .string(encoding), "delimiter": .string(delimiter),
            "rows": .int(rows), "inserted": .int(inserted), "updated": .int(updated),
            "unchanged": .int(unchanged), "rejected": .int(rejected), "dry_run": .bool(dryRun),
            "batch_id": .string(batchID),
            "errors": .array(errors.map { error in
                .object(["record": .int(error.record), "line": .int(error.line), "column": .string(error.column),
                         "value": .string(error.value), "message": .string(error.message)])
            }),
            "warnings": .array(warnings.map { .string($0) }),
        ]
        if !actions.isEmpty {
            object["actions"] = .array(actions.map { action in
                .object(["record": .int(action.record), "line": .int(action.line), "action": .string(action.action),
                         "id": .string(action.id)])
            })
        }
        return .object(object)
    }
}

/// Measures consecutive phases of a piece of work.
struct PhaseClock {
    private(set) var phases: [(phase: String, seconds: Double)] = []
    private var start = ContinuousClock.now

    /// Ends the phase running since the previous call (or since the clock was made).
    mutating func end(_ phase: String) {
        let now = ContinuousClock.now
        let elapsed = start.duration(to: now).components
        phases.append((phase, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18))
        start = now
    }
}
