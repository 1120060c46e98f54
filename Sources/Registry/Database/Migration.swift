import Crypto
import Foundation

/// One numbered SQL file from `Migrations/`, e.g. `0001_core.sql`.
public struct Migration: Sendable, Equatable {
    /// The number the file name starts with.
    public let version: Int
    /// The rest of the file name, e.g. `core`.
    public let name: String
    /// The SQL script.
    public let sql: String
    /// SHA-256 of the file's bytes, hex.
    public let checksum: String

    /// Parses a migration from its file name (`0001_core.sql`) and bytes.
    public init?(fileName: String, contents: Data) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"),
              let version = Int(stem[..<underscore]), version > 0
        else { return nil }
        self.version = version
        self.name = String(stem[stem.index(after: underscore)...])
        self.sql = String(decoding: contents, as: UTF8.self)
        self.checksum = SHA256.hash(data: contents).hexString
    }

    /// The migrations compiled into this binary, in order.
    public static let shipped: [Migration] = EmbeddedFiles.paths(under: "Migrations").compactMap { path in
        guard let data = EmbeddedFiles.data(path) else { return nil }
        return Migration(fileName: String(path.dropFirst("Migrations/".count)), contents: data)
    }.sorted { $0.version < $1.version }
}

extension Digest {
    /// Lowercase hex digits of the digest.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 15)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
