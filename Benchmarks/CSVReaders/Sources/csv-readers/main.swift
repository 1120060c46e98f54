import CSV
import Foundation

// Counts records and field bytes with each reader, three times each, and prints the best time.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    print("usage: csv-readers FILE (a ;-separated UTF-8 CSV with a header)")
    exit(64)
}
let path = arguments[1]
let size = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1_000_000

func measure(_ name: String, _ body: () throws -> (Int, Int)) rethrows {
    var best = Double.infinity
    var result = (0, 0)
    for _ in 0..<3 {
        let start = Date()
        result = try body()
        best = min(best, Date().timeIntervalSince(start))
    }
    FileHandle.standardError.write(Data((String(format: "%@: %d records, %d field bytes, %.2f s, %.0f MB/s", name, result.0, result.1, best, size / best) + "\n").utf8))
}

for encoding in [EncodingChoice.auto, .utf8] {
try measure("registry CSVReader, encoding \(encoding.rawValue)") {
    let reader = try CSVReader(path: path, delimiter: UInt8(ascii: ";"), encoding: encoding)
    var records = 0, bytes = 0
    while let record = try reader.next() {
        records += 1
        for field in record.fields { bytes += field.utf8.count }
    }
    return (records, bytes)
}
}

try measure("yaslab/CSV.swift") {
    // CSV.swift's file reading fails on Linux's InputStream here, so it reads from memory instead.
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let stream = InputStream(data: data)
    // `CSV` is the package's alias for its own CSVReader (ours shares the name).
    let reader = try CSV(stream: stream, codecType: UTF8.self, hasHeaderRow: true, delimiter: ";")
    var records = 0, bytes = 0
    while let row = reader.next() {
        records += 1
        for field in row { bytes += field.utf8.count }
    }
    if let error = reader.error { throw error }
    return (records, bytes)
}
