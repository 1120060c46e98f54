/// The text encodings import files come in.
public enum TextEncoding: String, Sendable {
    case utf8 = "utf-8"
    /// Windows-1250, what Polish Excel writes when saving "CSV".
    case cp1250
}

/// The `--encoding` choice: a fixed encoding, or `auto` (UTF-8 when the bytes are valid UTF-8, else Windows-1250).
public enum EncodingChoice: String, Sendable, CaseIterable {
    case auto
    case utf8 = "utf-8"
    case cp1250
}

/// Decoding of Windows-1250 and validation of UTF-8.
enum Codepage {
    /// Unicode scalars for bytes 0x80–0xFF in Windows-1250; 0 marks the five undefined bytes.
    static let cp1250High: [UInt32] = [
        0x20AC, 0, 0x201A, 0, 0x201E, 0x2026, 0x2020, 0x2021, 0, 0x2030, 0x0160, 0x2039, 0x015A, 0x0164, 0x017D, 0x0179,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0, 0x2122, 0x0161, 0x203A, 0x015B, 0x0165, 0x017E, 0x017A,
        0x00A0, 0x02C7, 0x02D8, 0x0141, 0x00A4, 0x0104, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x015E, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x017B,
        0x00B0, 0x00B1, 0x02DB, 0x0142, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x0105, 0x015F, 0x00BB, 0x013D, 0x02DD, 0x013E, 0x017C,
        0x0154, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x0139, 0x0106, 0x00C7, 0x010C, 0x00C9, 0x0118, 0x00CB, 0x011A, 0x00CD, 0x00CE, 0x010E,
        0x0110, 0x0143, 0x0147, 0x00D3, 0x00D4, 0x0150, 0x00D6, 0x00D7, 0x0158, 0x016E, 0x00DA, 0x0170, 0x00DC, 0x00DD, 0x0162, 0x00DF,
        0x0155, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x013A, 0x0107, 0x00E7, 0x010D, 0x00E9, 0x0119, 0x00EB, 0x011B, 0x00ED, 0x00EE, 0x010F,
        0x0111, 0x0144, 0x0148, 0x00F3, 0x00F4, 0x0151, 0x00F6, 0x00F7, 0x0159, 0x016F, 0x00FA, 0x0171, 0x00FC, 0x00FD, 0x0163, 0x02D9,
    ]

    /// Decodes Windows-1250 bytes; nil (with the offending byte) when a byte is undefined in it.
    static func decodeCP1250(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, UndefinedByte> {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false; break }
        if ascii { return .success(String(decoding: bytes, as: UTF8.self)) }
        var scalars = String.UnicodeScalarView()
        for (offset, byte) in bytes.enumerated() {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else {
                let value = cp1250High[Int(byte - 0x80)]
                guard value != 0, let scalar = Unicode.Scalar(value) else {
                    return .failure(UndefinedByte(byte: byte, offset: offset))
                }
                scalars.append(scalar)
            }
        }
        return .success(String(scalars))
    }

    struct UndefinedByte: Error {
        let byte: UInt8
        /// Where the byte is in the decoded bytes.
        let offset: Int
    }

    /// Scans UTF-8 incrementally; carries an incomplete sequence across chunks.
    struct UTF8Validator {
        private var pending: [UInt8] = []
        /// Offset of the first invalid byte, once one is found.
        private(set) var invalidOffset: Int?
        private var consumed = 0

        mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard invalidOffset == nil else { return }
            var data = pending
            data.append(contentsOf: bytes)
            let start = consumed - pending.count
            let (end, invalid) = data.withUnsafeBufferPointer { Self.scan($0) }
            if let invalid {
                invalidOffset = start + invalid
                return
            }
            pending = Array(data[end...])
            consumed += bytes.count
        }

        /// Where the last whole sequence in `data` ends, or the offset of the first invalid one.
        private static func scan(_ data: UnsafeBufferPointer<UInt8>) -> (end: Int, invalid: Int?) {
            guard let base = data.baseAddress else { return (0, nil) }
            var index = 0
            let count = data.count
            while index < count {
                // Eight ASCII bytes at a time: nearly all of a CSV file (the import scans it all first).
                while index + 8 <= count,
                      UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                guard index < count else { break }
                let byte = data[index]
                if byte < 0x80 { index += 1; continue }
                let length: Int
                if byte & 0xE0 == 0xC0, byte >= 0xC2 { length = 2 }
                else if byte & 0xF0 == 0xE0 { length = 3 }
                else if byte & 0xF8 == 0xF0, byte <= 0xF4 { length = 4 }
                else { return (index, index) }
                if index + length > count {
                    break
                }
                var valid = true
                for next in 1..<length where data[index + next] & 0xC0 != 0x80 { valid = false }
                if valid, length == 3 {
                    let second = data[index + 1]
                    if byte == 0xE0 && second < 0xA0 { valid = false }  // overlong
                    if byte == 0xED && second >= 0xA0 { valid = false }  // surrogate
                }
                if valid, length == 4 {
                    let second = data[index + 1]
                    if byte == 0xF0 && second < 0x90 { valid = false }
                    if byte == 0xF4 && second >= 0x90 { valid = false }
                }
                guard valid else { return (index, index) }
                index += length
            }
            return (index, nil)
        }

        /// Call at the end: an incomplete sequence left over is invalid.
        mutating func finish() {
            if invalidOffset == nil, !pending.isEmpty { invalidOffset = consumed - pending.count }
        }
    }
}
