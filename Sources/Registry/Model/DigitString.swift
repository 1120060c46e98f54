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
        // Over the bytes in memory when the text has them there (always, for text read from a file):
        // iterating a substring's UTF-8 view costs several times more per byte.
        let read = text.utf8.withContiguousStorageIfAvailable { bytes in Self.digits(of: bytes) }
        guard let (storage, count) = read ?? Self.digits(of: text.utf8) else { return nil }
        self.storage = storage
        self.count = count
    }

    /// The digits of `bytes` and how many there are; nil at a byte other than a digit, space or dash,
    /// or past `capacity` digits.
    private static func digits(of bytes: some Sequence<UInt8>) -> (SIMD16<UInt8>, Int)? {
        var storage = SIMD16<UInt8>()
        var count = 0
        // Written as bytes in memory: setting a vector's lane by a variable index reloads the whole
        // vector after each one-byte store, a stall per digit (4.5% of the reading thread's samples).
        let valid = withUnsafeMutableBytes(of: &storage) { digits in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard count < capacity else { return false }
                    digits[count] = byte - UInt8(ascii: "0")
                    count += 1
                case UInt8(ascii: "-"), UInt8(ascii: " "): continue
                default: return false
                }
            }
            return true
        }
        return valid ? (storage, count) : nil
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
