import Testing
@testable import Registry

@Suite("Entity kinds and text folding")
struct KindAndFoldingTests {
    @Test("codes, Polish names, plurals and abbreviations parse, ignoring case and diacritics", arguments: [
        ("spoldzielnia-socjalna", EntityKind.spoldzielniaSocjalna), ("Spółdzielnia socjalna", .spoldzielniaSocjalna),
        ("SPÓŁDZIELNIE SOCJALNE", .spoldzielniaSocjalna), ("spoldzielnia socjalna", .spoldzielniaSocjalna),
        ("CIS", .cis), ("Centrum Integracji Społecznej", .cis), ("KIS", .kis), ("Klub Integracji Społecznej", .kis),
        ("ZAZ", .zaz), ("zakład aktywności zawodowej", .zaz), ("WTZ", .wtz), ("Warsztat Terapii Zajęciowej", .wtz),
        ("Fundacja", .fundacja), ("fundacje", .fundacja), ("Stowarzyszenie", .stowarzyszenie),
        ("organizacja pozarządowa", .ngo), ("kościelna osoba prawna", .ngo), ("spółdzielnia pracy", .spoldzielniaPracy),
        ("spółdzielnia inwalidów", .spoldzielniaInwalidow), ("Spółdzielnia Niewidomych", .spoldzielniaInwalidow),
        ("KGW", .kgw), ("Koło Gospodyń Wiejskich", .kgw), ("spółka non-profit", .spolkaNonProfit),
        ("Spółka z o.o. non-profit", .spolkaNonProfit), ("ZPChr", .zpchr), ("zakład pracy chronionej", .zpchr),
        ("OWES", .owes), ("ośrodek wsparcia ekonomii społecznej", .owes), ("inny", .inny),
    ])
    func parse(_ text: String, _ kind: EntityKind) throws {
        #expect(try EntityKind.parse(text) == kind)
    }

    @Test("a kind written as listed, capitalised or in capitals parses as its folded form does")
    func exactSpellings() throws {
        for kind in EntityKind.allCases {
            for name in [kind.rawValue, kind.polishName] {
                for spelling in [name, name.prefix(1).uppercased() + name.dropFirst(), name.uppercased()] {
                    // A leading space is not an exact spelling: it takes the folding path.
                    #expect(try EntityKind.parse(spelling) == EntityKind.parse(" " + spelling), "\(spelling)")
                    #expect(try EntityKind.parse(spelling) == kind, "\(spelling)")
                }
            }
        }
    }

    @Test("an unknown kind lists the codes")
    func unknown() {
        #expect(throws: RegistryError.invalidValue(field: "kind", value: "bank", rule: "unknown kind; use one of: " + EntityKind.allCases.map(\.rawValue).joined(separator: ", "))) {
            try EntityKind.parse("bank")
        }
    }

    @Test("only CIS, KIS, ZAZ and WTZ are reintegration units")
    func units() {
        #expect(EntityKind.allCases.filter(\.isReintegrationUnit) == [.cis, .kis, .zaz, .wtz])
    }

    @Test("folding removes case and Polish diacritics, ł included, and collapses spaces", arguments: [
        ("Łódź", "lodz"), ("ŁÓDŹ", "lodz"), ("  Spółdzielnia   Socjalna ", "spoldzielnia socjalna"),
        ("ŻÓŁĆ ĘŚĄŃ", "zolc esan"), ("zażółć gęślą jaźń", "zazolc gesla jazn"), ("Crème Brûlée", "creme brulee"), ("abc", "abc"),
    ])
    func folding(_ text: String, _ folded: String) {
        #expect(TextFolding.fold(text) == folded)
    }

    @Test("the index's text is the folded text with every non-ASCII scalar but letters, numbers and private use made a space", arguments: [
        ("Spółdzielnia „Gęsi Puch” – nr 5…", "spoldzielnia gesi puch nr 5"), ("«Zorza»", "zorza"),
        ("Société ‹Łąka› №5", "societe laka 5"), ("Кооператив «Ромашка»", "кооператив ромашка"),
        ("x² a\u{A0}b", "x² a b"), ("ASCII-only: a.b_c", "ascii-only: a.b_c"), ("a\u{200C}b Ⓐbc 😀", "a b bc"),
    ])
    func searchText(_ text: String, _ indexed: String) {
        #expect(TextFolding.searchText(text) == indexed)
    }
}
