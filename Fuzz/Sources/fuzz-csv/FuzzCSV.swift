import Foundation
import Registry

/// Feeds arbitrary bytes to `CSVReader(data:)` under each encoding choice and reads every record.
///
/// Invariants: the reader either returns records or throws a `RegistryError` that names a record
/// and a line inside the input; records are numbered 1, 2, 3… on non-decreasing lines; no record
/// has more columns than the limit; nothing traps, hangs or reads past the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = data.map { Data(bytes: $0, count: size) } ?? Data()
    // Physical lines: LF, CRLF or a lone CR ends one.
    var lines = 1
    var previous: UInt8 = 0
    for byte in input {
        if byte == 13 || (byte == 10 && previous != 13) { lines += 1 }
        previous = byte
    }
    let delimiters: [UInt8?] = [nil, 44, 59, 9]
    for encoding in EncodingChoice.allCases {
        read(input, delimiter: delimiters[size % delimiters.count], encoding: encoding, lines: lines)
    }
    read(input, delimiter: nil, encoding: .auto, lines: lines)
    return 0
}

private func read(_ input: Data, delimiter: UInt8?, encoding: EncodingChoice, lines: Int) {
    // The record being read when a problem is reported: 0 is the header.
    var expected = 0
    do {
        let reader = try CSVReader(data: input, delimiter: delimiter, encoding: encoding)
        expected = 1
        check(reader.header.count >= 1 && reader.header.count <= CSVReader.maximumColumns, "header columns")
        if let delimiter { check(reader.delimiter == delimiter, "delimiter given") }
        else { check([44, 59, 9].contains(reader.delimiter), "delimiter detected") }
        var lastLine = 1
        while let record = try reader.next() {
            check(record.number == expected, "record \(record.number) should be \(expected)")
            check(record.line > lastLine && record.line <= lines, "record line \(record.line) after \(lastLine), of \(lines)")
            check(!record.fields.isEmpty && record.fields.count <= CSVReader.maximumColumns, "columns")
            for field in record.fields {
                // Windows-1250 decodes a byte to at most 3 UTF-8 bytes.
                check(field.utf8.count <= 3 * CSVReader.maximumFieldBytes, "field size")
            }
            expected += 1
            lastLine = record.line
        }
        check(reader.bytesRead == input.count, "bytesRead \(reader.bytesRead) of \(input.count)")
    } catch let error as RegistryError {
        switch error {
        case let .invalidRecord(problem):
            check(problem.record == expected, "problem names record \(problem.record), not \(expected): \(problem)")
            check(problem.line >= 1 && problem.line <= lines, "problem outside the input: \(problem) (\(lines) lines)")
            check(!problem.message.isEmpty, "empty message")
        case let .malformedFile(_, line, message):
            check(expected == 0 && line >= 1 && line <= lines && !message.isEmpty, "malformed file: \(error)")
        default:
            check(false, "unexpected error \(error)")
        }
    } catch {
        check(false, "not a RegistryError: \(error)")
    }
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("invariant failed: \(message())\n".utf8))
        abort()
    }
}
