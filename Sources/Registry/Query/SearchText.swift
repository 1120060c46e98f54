/// Turns what a person types into an FTS5 query over the folded index: each word becomes a quoted
/// prefix term, so `spoldz lodz` finds "Spółdzielnia … Łódź" and no FTS5 syntax can be injected.
enum SearchText {
    static func matchExpression(_ text: String) -> String? {
        let phrases = phrases(text)
        return phrases.isEmpty ? nil : phrases.joined(separator: " ")
    }

    /// The expression's phrases, in order: one quoted prefix term per word (at most 32).
    static func phrases(_ text: String) -> [String] {
        TextFolding.fold(text).split { !$0.isLetter && !$0.isNumber }.prefix(32).map { "\"\($0)\"*" }
    }
}
