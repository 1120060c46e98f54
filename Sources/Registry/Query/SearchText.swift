/// Turns what a person types into an FTS5 query over the folded index: each word becomes a quoted
/// prefix term, so `spoldz lodz` finds "Spółdzielnia … Łódź" and no FTS5 syntax can be injected.
enum SearchText {
    static func matchExpression(_ text: String) -> String? {
        let words = TextFolding.fold(text).split { !$0.isLetter && !$0.isNumber }
        guard !words.isEmpty else { return nil }
        return words.prefix(32).map { "\"\($0)\"*" }.joined(separator: " ")
    }
}
