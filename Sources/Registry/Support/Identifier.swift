import Foundation
import Synchronization

/// Registry ids: UUIDv7 text (time-ordered, random), so ids from 16 regional registries never
/// collide when merged, index inserts stay in order, and ids made later sort later (exports rely on it).
public enum Identifier {
    /// Last millisecond used and the 12-bit counter within it (RFC 9562 method 1: monotonic rand_a).
    private static let state = Mutex<(millis: UInt64, counter: UInt16)>((0, 0))

    /// A new lowercase UUIDv7 for the instant `date`, greater than any made before by this process.
    public static func make(at date: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let requested = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let (millis, counter) = state.withLock { state -> (UInt64, UInt16) in
            if requested > state.millis {
                state = (requested, UInt16.random(in: 0..<0x400, using: &generator))
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                state = (state.millis + 1, 0)
            }
            return state
        }
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * (5 - index)))
        }
        bytes[6] = 0x70 | UInt8(counter >> 8)  // version 7, counter high bits
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        let random = generator.next() as UInt64
        for index in 8..<16 {
            bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * (index - 8)))
        }
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let hex = Array("0123456789abcdef".utf8)
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
