/// Turns what a person types into an FTS5 query over the folded index: each word becomes a quoted
/// prefix term, so `spoldz lodz` finds "Spółdzielnia … Łódź" and no FTS5 syntax can be injected.
enum SearchText {
    static func matchExpression(_ text: String) -> String? {
        let phrases = phrases(text)
        return phrases.isEmpty ? nil : phrases.joined(separator: " ")
    }

    /// The expression's phrases, in order: one quoted prefix term per word (at most 32).
    static func phrases(_ text: String) -> [String] {
        words(TextFolding.searchText(text)).prefix(32).map { "\"\($0)\"*" }
    }

    /// The words of the index's text, split where FTS5's `ascii` tokenizer splits them: at every
    /// ASCII character other than a letter or a digit (the text is in lower case).
    static func words(_ searchText: String) -> [String] {
        searchText.unicodeScalars.split { scalar in
            scalar.isASCII && !(("a"..."z").contains(scalar) || ("0"..."9").contains(scalar))
        }.map { String(String.UnicodeScalarView($0)) }
    }
}
