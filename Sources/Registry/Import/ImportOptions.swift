/// What an import loads.
public enum ImportTarget: String, Sendable, CaseIterable {
    case entities, certificates, resources, needs
}

/// What to do with invalid rows.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    /// Write nothing when any row is invalid (the default).
    case abort
    /// Write the valid rows; invalid ones go to the rejects file.
    case skip
}

/// How to read and apply an import file.
public struct ImportOptions: Sendable {
    public var target: ImportTarget
    /// The field delimiter; nil detects it from the header (`,` `;` or tab).
    public var delimiter: UInt8?
    public var encoding: EncodingChoice
    /// Extra header mappings: a column name in the file → a field name (e.g. `Nr NIP` → `nip`).
    public var mappings: [String: String]
    public var onError: ErrorPolicy
    /// Where to write rejected rows (original columns plus `error`), as CSV.
    public var rejectsPath: String?
    /// Validate and count what would change, and write nothing.
    public var dryRun: Bool
    /// Keep one action per row in the report (`--format json` shows them).
    public var recordActions: Bool

    public init(
        target: ImportTarget, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto,
        mappings: [String: String] = [:], onError: ErrorPolicy = .abort, rejectsPath: String? = nil,
        dryRun: Bool = false, recordActions: Bool = false
    ) {
        self.target = target
        self.delimiter = delimiter
        self.encoding = encoding
        self.mappings = mappings
        self.onError = onError
        self.rejectsPath = rejectsPath
        self.dryRun = dryRun
        self.recordActions = recordActions
    }
}

/// Progress of a running import, for a progress line.
public struct ImportProgress: Sendable {
    public let rows: Int
    public let bytesRead: Int
    public let totalBytes: Int?
}
