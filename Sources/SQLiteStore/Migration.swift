import Crypto
import Foundation

/// One numbered SQL script, e.g. the file `0001_core.sql`: version 1, named `core`.
///
/// A migration's checksum is recorded when it is applied; `Migrator` refuses a database whose
/// applied migrations no longer match, so a shipped migration file is never edited.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with.
    public let version: Int
    /// The rest of the file name, e.g. `core`.
    public let name: String
    /// The SQL script.
    public let sql: String
    /// SHA-256 of the file's bytes, hex.
    public let checksum: String

    /// The file name the migration was read from, e.g. `0001_core.sql`.
    public let fileName: String

    /// Parses a migration from its file name (`0001_core.sql`) and bytes.
    public init?(fileName: String, contents: Data) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"),
              let version = Int(stem[..<underscore]), version > 0
        else { return nil }
        self.version = version
        self.fileName = fileName
        self.name = String(stem[stem.index(after: underscore)...])
        self.sql = String(decoding: contents, as: UTF8.self)
        self.checksum = SHA256.hash(data: contents).map { String(format: "%02x", $0) }.joined()
    }
}
