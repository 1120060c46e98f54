/// The digits of an identifier written with optional separators, as people type them, kept inline:
/// NIP, REGON and KRS are parsed for every imported row, and arrays here were an allocation each.
struct DigitString {
    /// Most digits kept; more make the text no identifier (the longest, REGON-14, has 14).
    static let capacity = 16

    private var storage = SIMD16<UInt8>()
    /// How many digits the text had.
    private(set) var count = 0

    /// The digits of `text` when it holds only digits, spaces and dashes (at most 16 digits); nil otherwise.
    init?(_ text: Substring) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard count < Self.capacity else { return nil }
                storage[count] = byte - UInt8(ascii: "0")
                count += 1
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            default: return nil
            }
        }
    }

    /// The digit at `index` (0-based).
    subscript(index: Int) -> Int { Int(storage[index]) }

    /// Weighted sum of the first `weights.count` digits mod 11, the check used by NIP and REGON.
    func checksum(weights: [Int]) -> Int {
        var sum = 0
        for (index, weight) in weights.enumerated() { sum += self[index] * weight }
        return sum % 11
    }

    /// The digits as text, left-padded with zeros to `width` (no padding by default).
    func text(paddedTo width: Int = 0) -> String {
        let length = Swift.max(width, count)
        // Up to 15 bytes make a small string: no allocation.
        return String(unsafeUninitializedCapacity: length) { buffer in
            let padding = length - count
            for index in 0..<padding { buffer[index] = UInt8(ascii: "0") }
            for index in 0..<count { buffer[padding + index] = storage[index] + UInt8(ascii: "0") }
            return length
        }
    }
}
