extension RegionalMap {
    /// The map as one self-contained HTML page: tables, inline SVG bar charts, the data's date and filters.
    public func html(regionName: String? = nil) -> String {
        var page = HTMLDocument(title: "Mapa zasobów i potrzeb ekonomii społecznej")
        page.facts([
            ("Stan na", on.description + (recordedAt.map { " (według wiedzy rejestru z \($0))" } ?? "")),
            ("Poziom", level.rawValue),
            ("Obszar", region.map { code in regionName.map { "\($0) (\(code))" } ?? code } ?? "cały rejestr"),
            ("Jednostek", String(units.count)),
        ])
        let total = totals
        func usedColumns(_ all: [String], _ path: KeyPath<MapUnit, [String: Int]>) -> [String] {
            all.filter { key in units.contains { ($0[keyPath: path][key] ?? 0) > 0 } }
        }

        let kindColumns = usedColumns(kinds, \.entities)
        page.heading("Podmioty według rodzaju")
        page.table(
            ["Kod", "Jednostka", "Razem"] + kindColumns,
            units.map { unit in [unit.code, unit.label, String(unit.entityCount)] + kindColumns.map { String(unit.entities[$0] ?? 0) } },
            footer: ["", "Razem", String(total.entityCount)] + kindColumns.map { String(total.entities[$0] ?? 0) })
        let charted = units.filter { $0.entityCount > 0 }.sorted { ($0.entityCount, $1.code) > ($1.entityCount, $0.code) }
        if !charted.isEmpty {
            page.heading("Podmioty według rodzaju i jednostki", level: 3)
            if charted.count > 60 { page.paragraph("Wykres: 60 jednostek z największą liczbą podmiotów.", className: "note") }
            page.raw(BarChart(series: kindColumns, bars: charted.prefix(60).map { unit in
                BarChart.Bar(label: unit.label, values: kindColumns.map { unit.entities[$0] ?? 0 })
            }).html)
        }

        let schemeColumns = usedColumns(schemes, \.holders)
        page.heading("Posiadacze certyfikatów i statusów")
        if schemeColumns.isEmpty {
            page.paragraph("Brak ważnych certyfikatów w tym dniu.", className: "note")
        } else {
            page.table(["Kod", "Jednostka"] + schemeColumns,
                       units.map { unit in [unit.code, unit.label] + schemeColumns.map { String(unit.holders[$0] ?? 0) } },
                       footer: ["", "Razem"] + schemeColumns.map { String(total.holders[$0] ?? 0) })
        }

        let needColumns = usedColumns(needCategories, \.openNeeds)
        page.heading("Otwarte potrzeby")
        if needColumns.isEmpty {
            page.paragraph("Brak otwartych potrzeb.", className: "note")
        } else {
            page.raw(BarChart(series: ["potrzeby"], bars: needColumns.map {
                BarChart.Bar(label: $0, values: [total.openNeeds[$0] ?? 0])
            }).html)
            page.table(["Kod", "Jednostka", "Razem"] + needColumns,
                       units.map { unit in [unit.code, unit.label, String(unit.openNeedCount)] + needColumns.map { String(unit.openNeeds[$0] ?? 0) } },
                       footer: ["", "Razem", String(total.openNeedCount)] + needColumns.map { String(total.openNeeds[$0] ?? 0) })
        }

        let resourceColumns = usedColumns(resourceCategories, \.resources)
        page.heading("Zasoby")
        if resourceColumns.isEmpty {
            page.paragraph("Brak zasobów.", className: "note")
        } else {
            page.table(["Kod", "Jednostka", "Razem"] + resourceColumns,
                       units.map { unit in [unit.code, unit.label, String(unit.resourceCount)] + resourceColumns.map { String(unit.resources[$0] ?? 0) } },
                       footer: ["", "Razem", String(total.resourceCount)] + resourceColumns.map { String(total.resources[$0] ?? 0) })
        }

        page.heading("Luki")
        let withoutReintegration = unitsWithoutCISOrKIS
        page.paragraph("Jednostki bez CIS i bez KIS: \(withoutReintegration.count) z \(units.count).")
        page.list(withoutReintegration.map { "\($0.label) (\($0.code))" })
        let unmatched = unitsWithUnmatchedNeeds
        page.paragraph("Jednostki z otwartymi potrzebami, których nie zaspokaja żaden zasób w jednostce: \(unmatched.count).")
        page.list(unmatched.map { "\($0.label) (\($0.code)): \($0.unmatchedNeeds.joined(separator: ", "))" })
        if unplaced > 0 { page.paragraph("Podmioty bez kodu TERYT (poza mapą): \(unplaced).", className: "note") }
        return page.text
    }
}

extension ChangeReport {
    /// The report as one self-contained HTML page.
    public func html(regionName: String? = nil) -> String {
        var page = HTMLDocument(title: "Zmiany w rejestrze: \(from) – \(to)")
        page.facts([
            ("Okres", "\(from) – \(to) (stan na każdy z tych dni"
                + (recordedAt.map { ", według wiedzy rejestru z \($0))" } ?? ", według obecnej wiedzy rejestru)")),
            ("Obszar", region.map { code in regionName.map { "\($0) (\(code))" } ?? code } ?? "cały rejestr"),
        ])
        page.heading("Podmioty według rodzaju")
        page.table(["Rodzaj", "\(from)", "\(to)", "Zmiana"],
                   kinds.map { [$0.kind, String($0.from), String($0.to), Self.signed($0.difference)] }, textColumns: 1,
                   footer: ["Razem", String(totalFrom), String(totalTo), Self.signed(totalTo - totalFrom)])
        page.raw(BarChart(series: ["\(to)"], bars: kinds.map { BarChart.Bar(label: $0.kind, values: [$0.to]) }).html)
        if level != nil {
            page.heading("Według jednostek")
            page.table(["Kod", "Jednostka", "\(from)", "\(to)", "Zmiana"],
                       units.map { [$0.code, $0.name, String($0.from), String($0.to), Self.signed($0.to - $0.from)] })
        }
        let titles: [(Change, String)] = [
            (.appeared, "Nowe"), (.closed, "Zamknięte"), (.kindChanged, "Zmiana rodzaju"),
            (.movedIn, "Przeniesione do obszaru"), (.movedOut, "Przeniesione poza obszar"),
        ]
        for (change, title) in titles {
            let items = changes.filter { $0.change == change }
            guard !items.isEmpty else { continue }
            page.heading("\(title) (\(items.count))")
            page.list(items.map(\.line))
        }
        if changes.isEmpty { page.paragraph("Brak zmian w tym okresie.", className: "note") }
        if !withoutFoundingDate.isEmpty {
            // Counted from the day they were first recorded, until the date is filled in.
            page.heading("Zarejestrowane bez daty założenia (\(withoutFoundingDate.count))")
            page.list(withoutFoundingDate.map(\.line))
        }
        return page.text
    }

    /// "+2", "−1" or "0".
    public static func signed(_ number: Int) -> String {
        number > 0 ? "+\(number)" : number < 0 ? "−\(-number)" : "0"
    }
}

extension ChangeReport.UndatedEntity {
    /// "CIS HALT (cis), Warszawa".
    public var line: String {
        "\(name) (\(kind))" + (place.isEmpty ? "" : ", \(place)")
    }
}

extension ChangeReport.EntityChange {
    /// "+ CIS HALT (cis), Warszawa" or "~ X: fundacja → spoldzielnia-socjalna, Olsztyn".
    public var line: String {
        let kinds = previousKind.map { "\($0) → \(kind)" } ?? kind
        return "\(change.symbol) \(name) (\(kinds))" + (place.isEmpty ? "" : ", \(place)")
    }
}
