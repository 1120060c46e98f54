/// The guard against CSV injection (OWASP) for files meant to be opened in a spreadsheet: `--excel`
/// exports and rejects files. A text cell that begins with `=`, `+`, `-`, `@`, TAB or CR, which Excel
/// would run as a formula, is written with a leading `'`; so is a cell that already begins with `'`,
/// so that the prefix can always be told from a quote that was there. An import removes the prefix
/// (`unguarded`), so such a file re-imports exactly. Plain CSV is written without it.
enum SpreadsheetCell {
    /// The prefix: `'`.
    static let prefix: UInt8 = 39

    /// Whether a cell whose first byte is `byte` gets the prefix.
    @inline(__always)
    static func needsPrefix(first byte: UInt8) -> Bool {
        switch byte {
        case 61, 43, 45, 64, 9, 13, 39: return true  // = + - @ TAB CR '
        default: return false
        }
    }

    /// Whether the UTF-8 cell `bytes` gets the prefix (the byte path of `RecordWriter`).
    @inline(__always)
    static func needsPrefix(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        return needsPrefix(first: first)
    }

    /// `text` as a spreadsheet will not run: with the prefix when it begins with a guarded character.
    static func guarded(_ text: String) -> String {
        guard let first = text.utf8.first, needsPrefix(first: first) else { return text }
        return "'" + text
    }

    /// An imported cell with the prefix removed: one leading `'` goes when the next character is a
    /// guarded one (`'abc` stays as it is). Unguarded cells are returned as they are, without a copy.
    static func unguarded(_ text: String) -> String {
        // `utf8.first` reads a native string's first byte in place: the common cell costs a comparison.
        guard text.utf8.first == prefix else { return text }
        let rest = text.utf8.dropFirst()
        guard let second = rest.first, needsPrefix(first: second) else { return text }
        return String(text[rest.startIndex...])
    }

    /// A cell read from a file, written back for a spreadsheet (a rejects file) so that it imports
    /// as it did: a cell already guarded is kept, and a TAB or CR before the rest, which the import
    /// trims, is dropped rather than guarded (a guarded TAB would be kept by the next import).
    static func reguarded(_ cell: String) -> String {
        guard let first = cell.utf8.first, needsPrefix(first: first) else { return cell }
        if first == 9 || first == 13 { return guarded(unguarded(cell.trimmed)) }
        return guarded(unguarded(cell))
    }
}
