import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Registry ids: UUIDv7 text (time-ordered, random), so ids from 16 regional registries never
/// collide when merged, index inserts stay in order, and ids made later sort later (exports rely on it).
public enum Identifier {
    /// Last millisecond used and the 12-bit counter within it (RFC 9562 method 1: monotonic rand_a),
    /// and random words fetched from the system 256 at a time: one system call per id was a
    /// measurable part of a million-row import. (A process that forks would share the pool; the
    /// registry never forks.)
    private struct State {
        var millis: UInt64 = 0
        var counter: UInt16 = 0
        var pool = [UInt64](repeating: 0, count: 256)
        var used = 256

        mutating func random() -> UInt64 {
            if used == pool.count {
                pool.withUnsafeMutableBytes { Identifier.fillRandom($0) }
                used = 0
            }
            used += 1
            return pool[used - 1]
        }
    }

    private static let state = Mutex(State())

    /// A new lowercase UUIDv7 for the instant `date`, greater than any made before by this process.
    public static func make(at date: Date = Date()) -> String {
        let requested = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let (millis, counter, random) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            if requested > state.millis {
                state.millis = requested
                state.counter = UInt16(truncatingIfNeeded: state.random() & 0x3FF)
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                (state.millis, state.counter) = (state.millis + 1, 0)
            }
            return (state.millis, state.counter, state.random())
        }
        // 48 bits of milliseconds, version 7 and the counter; then the variant and 62 random bits.
        let high = millis << 16 | 0x7000 | UInt64(counter & 0xFFF)
        let low = (random.byteSwapped & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { text in
            let digits: StaticString = "0123456789abcdef"
            var position = 0
            for nibble in 0..<32 {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                let value = Int(word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)
                text[position] = digits.utf8Start[value]
                position += 1
            }
            return position
        }
    }

    /// Fills `buffer` from the system's secure random source, 256 bytes per call (`getentropy`'s
    /// limit; `SystemRandomNumberGenerator` asks the kernel for eight bytes at a time).
    private static func fillRandom(_ buffer: UnsafeMutableRawBufferPointer) {
        var generator = SystemRandomNumberGenerator()
        var offset = 0
        while offset < buffer.count, let base = buffer.baseAddress {
            let count = min(256, buffer.count - offset)
            if getentropy(base + offset, count) != 0 {
                // Not expected; the standard generator is as secure, only slower.
                for index in offset..<offset + count { buffer[index] = UInt8.random(in: .min ... .max, using: &generator) }
            }
            offset += count
        }
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
