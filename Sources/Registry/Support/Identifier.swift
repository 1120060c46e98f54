import Foundation

/// Registry ids: UUIDv7 text (time-ordered, random), so ids from 16 regional registries never
/// collide when merged and index inserts stay in order.
public enum Identifier {
    /// A new lowercase UUIDv7 for the instant `date`.
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 16)
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
        }
        let random = generator.next() as UInt64
        let random2 = generator.next() as UInt64
        for index in 6..<16 {
            let source = index < 14 ? random >> (8 * (index - 6)) : random2 >> (8 * (index - 14))
            bytes[index] = UInt8(truncatingIfNeeded: source)
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hex = "0123456789abcdef".utf8.map { $0 }
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// True when `text` has the shape of a registry id (8-4-4-4-12 hex digits).
    public static func isIdentifier(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return false }
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((48...57).contains(byte) || (97...102).contains(byte) || (65...70).contains(byte)) {
                return false
            }
        }
        return true
    }
}
