import Foundation

/// Lower case without diacritics, for matching names however they are typed: `Łódź` → `lodz`.
public enum TextFolding {
    /// Folds case and diacritics (ł included, which Unicode decomposition leaves alone) and collapses white space.
    public static func fold(_ text: String) -> String {
        // The byte-level path covers plain ASCII too; only other scalars need Unicode's tables.
        foldPolish(text, punctuation: .kept) ?? foldScalars(text)
    }

    /// `fold`, with every non-ASCII scalar that is not part of a word made a space: the text of the
    /// full-text index. FTS5's `ascii` tokenizer, which the index uses, splits words only at ASCII
    /// characters (any other is part of a word to it), so the words it finds in this text are the
    /// ones `unicode61` found in the folded text: letters, digits and private use (`isWordScalar`).
    static func searchText(_ text: String) -> String {
        foldPolish(text, punctuation: .spaced) ?? searchTextScalars(text)
    }

    /// The general path of `searchText`, through `foldScalars`.
    static func searchTextScalars(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in foldScalars(text).unicodeScalars {
            if scalar == " " || !(scalar.isASCII || isWordScalar(scalar)) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(scalar)
        }
        return String(result)
    }

    /// A letter, a number or a private-use scalar: what `unicode61` (FTS5's default tokenizer, the
    /// index's before migration 0009) kept in words; any other scalar separated them.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }

    /// What the byte-level folding does with the caseless punctuation it knows („ ” – … « »).
    enum Punctuation {
        /// Kept as it is (`fold`).
        case kept
        /// Made a space between words (`searchText`).
        case spaced
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

    /// Byte-level folding for ASCII, Polish letters and caseless punctuation (nearly every name in
    /// the registry): lower case, white space collapsed; nil when another scalar occurs, which the
    /// general path then handles.
    ///
    /// The folded text is never longer than the original (ASCII keeps its length, a Polish letter's
    /// two bytes become one), so it is written straight into the new string: the search index folds
    /// four fields of every imported entity, and the copies this used to make showed in profiles.
    private static func foldPolish(_ text: String, punctuation: Punctuation) -> String? {
        text.withUTF8Bytes { source -> String? in
            var folded = true
            let result = String(unsafeUninitializedCapacity: source.count) { target in
                guard let count = foldPolish(source, into: target, punctuation: punctuation) else { folded = false; return 0 }
                return count
            }
            return folded ? result : nil
        }
    }

    /// Folds `utf8` into `target` (at least as long); the bytes written, or nil at a scalar it does
    /// not know (`fold` and `searchText` then take their general paths).
    static func foldPolish(
        _ utf8: UnsafeBufferPointer<UInt8>, into target: UnsafeMutableBufferPointer<UInt8>, punctuation: Punctuation
    ) -> Int? {
        var written = 0
        var pendingSpace = false
        func put(_ byte: UInt8) {
            if pendingSpace { target[written] = 0x20; written += 1; pendingSpace = false }
            target[written] = byte
            written += 1
        }
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x80 {
                if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                    pendingSpace = written > 0
                } else {
                    put(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                }
                index += 1
                continue
            }
            if (byte == 0xC3 || byte == 0xC4 || byte == 0xC5), index + 1 < utf8.count,
               let letter = polishLetter(UInt16(byte) << 8 | UInt16(utf8[index + 1])) {
                put(letter)
                index += 2
                continue
            }
            // „ ” “ ‘ ’ « » – — … : no case, no diacritics, not white space.
            if byte == 0xE2, index + 2 < utf8.count, utf8[index + 1] == 0x80, isCaselessPunctuation(utf8[index + 2]) {
                if punctuation == .spaced {
                    pendingSpace = written > 0
                } else {
                    put(byte)
                    put(utf8[index + 1])
                    put(utf8[index + 2])
                }
                index += 3
                continue
            }
            if byte == 0xC2, index + 1 < utf8.count, utf8[index + 1] == 0xAB || utf8[index + 1] == 0xBB {
                if punctuation == .spaced {
                    pendingSpace = written > 0
                } else {
                    put(byte)
                    put(utf8[index + 1])
                }
                index += 2
                continue
            }
            return nil
        }
        return written
    }

    /// The last byte of – — ‘ ’ “ ” „ … (E2 80 xx).
    private static func isCaselessPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x93, 0x94, 0x98, 0x99, 0x9C, 0x9D, 0x9E, 0xA6: return true
        default: return false
        }
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
