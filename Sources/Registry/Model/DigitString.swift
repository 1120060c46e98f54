/// Helpers for identifiers written with optional separators, as people type them.
enum DigitString {
    /// The digits of `text` when it holds only digits, spaces and dashes; nil otherwise.
    static func digits(in text: Substring) -> [Int]? {
        var digits: [Int] = []
        digits.reserveCapacity(14)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(Int(byte - UInt8(ascii: "0")))
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            default: return nil
            }
        }
        return digits
    }

    /// Weighted sum mod 11, the check used by NIP and REGON.
    static func checksum(_ digits: ArraySlice<Int>, weights: [Int]) -> Int {
        zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
    }

    static func text(_ digits: [Int]) -> String {
        String(decoding: digits.map { UInt8($0) + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
