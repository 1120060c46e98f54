import Foundation

/// Lower case without diacritics, for matching names however they are typed: `Łódź` → `lodz`.
public enum TextFolding {
    /// Folds case and diacritics (ł included, which Unicode decomposition leaves alone) and collapses white space.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return foldASCII(text) }
        if let folded = foldPolish(text) { return folded }
        return foldScalars(text)
    }

    /// The general path, scalar by scalar through Unicode decomposition.
    static func foldScalars(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            if scalar.isASCII {
                let value = scalar.value
                result.append(value >= 65 && value <= 90 ? Unicode.Scalar(value + 32) ?? scalar : scalar)
                continue
            }
            if let replacement = special[scalar] {
                result.append(contentsOf: replacement.unicodeScalars)
                continue
            }
            for part in String(scalar).decomposedStringWithCanonicalMapping.lowercased().unicodeScalars
            where !part.properties.isDiacritic && part.properties.generalCategory != .nonspacingMark {
                result.append(part)
            }
        }
        return String(result)
    }

    /// Lower case and collapsed white space for plain ASCII, byte by byte.
    private static func foldASCII(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace {
                bytes.append(0x20)
                pendingSpace = false
            }
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Byte-level folding for ASCII plus Polish letters and caseless punctuation (nearly every name in
    /// the registry); nil when another scalar occurs, which the general path then handles.
    private static func foldPolish(_ text: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x80 {
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    pendingSpace = !bytes.isEmpty
                    index += 1
                    continue
                }
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                index += 1
                continue
            }
            if (byte == 0xC3 || byte == 0xC4 || byte == 0xC5), index + 1 < utf8.count,
               let letter = polishLetter(UInt16(byte) << 8 | UInt16(utf8[index + 1])) {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(letter)
                index += 2
                continue
            }
            // „ ” “ ‘ ’ « » – — … : no case, no diacritics, not white space.
            if byte == 0xE2, index + 2 < utf8.count, utf8[index + 1] == 0x80,
               [0x93, 0x94, 0x98, 0x99, 0x9C, 0x9D, 0x9E, 0xA6].contains(utf8[index + 2]) {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(contentsOf: utf8[index..<index + 3])
                index += 3
                continue
            }
            if byte == 0xC2, index + 1 < utf8.count, utf8[index + 1] == 0xAB || utf8[index + 1] == 0xBB {
                if pendingSpace { bytes.append(0x20); pendingSpace = false }
                bytes.append(contentsOf: utf8[index..<index + 2])
                index += 2
                continue
            }
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The ASCII letter for a Polish letter's two UTF-8 bytes (ó is C3 B3; the others are in C4/C5).
    private static func polishLetter(_ pair: UInt16) -> UInt8? {
        switch pair {
        case 0xC484, 0xC485: return UInt8(ascii: "a")  // Ą ą
        case 0xC486, 0xC487: return UInt8(ascii: "c")  // Ć ć
        case 0xC498, 0xC499: return UInt8(ascii: "e")  // Ę ę
        case 0xC581, 0xC582: return UInt8(ascii: "l")  // Ł ł
        case 0xC583, 0xC584: return UInt8(ascii: "n")  // Ń ń
        case 0xC393, 0xC3B3: return UInt8(ascii: "o")  // Ó ó
        case 0xC59A, 0xC59B: return UInt8(ascii: "s")  // Ś ś
        case 0xC5B9, 0xC5BA, 0xC5BB, 0xC5BC: return UInt8(ascii: "z")  // Ź ź Ż ż
        default: return nil
        }
    }

    /// Letters that do not decompose into a base letter and a mark.
    private static let special: [Unicode.Scalar: String] = [
        "ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
        // Polish letters directly, without a round trip through Foundation's decomposition.
        "ą": "a", "Ą": "a", "ć": "c", "Ć": "c", "ę": "e", "Ę": "e", "ń": "n", "Ń": "n", "ó": "o", "Ó": "o",
        "ś": "s", "Ś": "s", "ź": "z", "Ź": "z", "ż": "z", "Ż": "z",
    ]
}
