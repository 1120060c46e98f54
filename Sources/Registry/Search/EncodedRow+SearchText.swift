import SQLiteStore

extension EncodedRow {
    /// Appends `text` as the full-text index holds it (`TextFolding.searchText`), written straight
    /// into the buffer when the byte-level folding knows every scalar (no string is made for it).
    mutating func append(searchText text: String) {
        let folded = text.withUTF8Bytes { source in
            appendText(capacity: source.count) { TextFolding.foldPolish(source, into: $0, punctuation: .spaced) }
        }
        if !folded { append(text: TextFolding.searchTextScalars(text)) }
    }

    /// Appends `text` as the full-text index holds it, or NULL for nil.
    mutating func append(searchText text: String?) {
        if let text { append(searchText: text) } else { appendNull() }
    }
}
