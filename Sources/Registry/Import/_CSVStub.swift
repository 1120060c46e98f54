// TEMPORARY stub until the CSV branch merges.
import Foundation
public enum TextEncoding: String, Sendable { case utf8 = "utf-8", cp1250 }
public enum EncodingChoice: String, Sendable, CaseIterable { case auto, utf8 = "utf-8", cp1250 }
public struct CSVRecord { public var number: Int; public var line: Int; public var fields: [String] }
public final class CSVReader {
    public let header: [String]; public let delimiter: UInt8; public let encoding: TextEncoding = .utf8
    var lines: [String]; var index = 0
    public var bytesRead = 0; public var totalBytes: Int? = nil
    public init(data: Data, delimiter: UInt8?, encoding: EncodingChoice) throws {
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last == "" { lines.removeLast() }
        let d = delimiter ?? (lines.first?.contains(";") == true ? 59 : 44)
        self.delimiter = d
        header = lines.first.map { Self.split($0, d) } ?? []
        index = 1
    }
    public convenience init(path: String, delimiter: UInt8?, encoding: EncodingChoice) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RegistryError.fileNotFound(path: path) }
        try self.init(data: data, delimiter: delimiter, encoding: encoding)
    }
    static func split(_ line: String, _ d: UInt8) -> [String] {
        var out: [String] = []; var cur = ""; var q = false; let chars = Array(line); var i = 0
        while i < chars.count { let c = chars[i]; if q { if c == "\"" { if i+1 < chars.count && chars[i+1] == "\"" { cur.append("\""); i += 1 } else { q = false } } else { cur.append(c) } } else if c == "\"" { q = true } else if c == Character(UnicodeScalar(d)) { out.append(cur); cur = "" } else { cur.append(c) }; i += 1 }
        out.append(cur); return out
    }
    public func next() throws -> CSVRecord? {
        guard index < lines.count else { return nil }
        defer { index += 1 }
        return CSVRecord(number: index, line: index + 1, fields: Self.split(lines[index], delimiter))
    }
}
public struct CSVWriter {
    let handle: FileHandle; let delimiter: UInt8; let lineEnding: String
    public init(path: String, delimiter: UInt8, lineEnding: String, byteOrderMark: Bool) throws {
        FileManager.default.createFile(atPath: path, contents: byteOrderMark ? Data([0xEF,0xBB,0xBF]) : nil)
        handle = FileHandle(forWritingAtPath: path)!; handle.seekToEndOfFile(); self.delimiter = delimiter; self.lineEnding = lineEnding
    }
    public mutating func write(_ fields: [String]) throws {
        let d = String(UnicodeScalar(delimiter))
        let line = fields.map { f in f.contains(d) || f.contains("\"") || f.contains("\n") ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f }.joined(separator: d) + lineEnding
        handle.write(Data(line.utf8))
    }
    public mutating func close() throws { try handle.close() }
}
