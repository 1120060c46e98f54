/// Text for a terminal: stored values are shown with their control characters escaped, so a value
/// cannot move the cursor, ring the bell, clear the screen, reorder what is shown or forge a line
/// of output. CSV and JSON keep values exact; only what people read goes through this.
public enum TerminalText {
    /// `text` with every control character (C0, DEL, C1), the line and paragraph separators and
    /// the bidirectional overrides written as an escape: `\n`, `\r`, `\t`, `\x1b`, `\u{202e}`.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars {
            if isControl(scalar) { result += escape(scalar) } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// `text` escaped line by line: its line breaks stay (a message or report of several lines).
    public static func escapedKeepingLineBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\n")
    }

    /// Whether `scalar` acts on a terminal or on how the text around it is shown.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// The escape for one control scalar.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16)
            return scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
        }
    }
}
