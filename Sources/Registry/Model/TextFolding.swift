import Foundation

/// Lower case without diacritics, for matching names however they are typed: `Łódź` → `lodz`.
public enum TextFolding {
    /// Folds case and diacritics (ł included, which Unicode decomposition leaves alone) and collapses white space.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return foldASCII(text) }
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

    /// Letters that do not decompose into a base letter and a mark.
    private static let special: [Unicode.Scalar: String] = [
        "ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae",
        // Polish letters directly, without a round trip through Foundation's decomposition.
        "ą": "a", "Ą": "a", "ć": "c", "Ć": "c", "ę": "e", "Ę": "e", "ń": "n", "Ń": "n", "ó": "o", "Ó": "o",
        "ś": "s", "Ś": "s", "ź": "z", "Ź": "z", "ż": "z", "Ż": "z",
    ]
}
