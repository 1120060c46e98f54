import Foundation
import Testing

/// Issue 23's first list, tried again through the binary as a coordinator would: a region's
/// spreadsheet with dates back to 1996, the quarter's report and map, a closure entered late, a
/// closing date next year, a founding date next year, a change with a past effective date, and
/// `--recorded-at` in every reading command.
///
/// The binary reads the system clock (nothing in the environment sets "now"), so the past is fixed
/// (the third quarter of 2025) and the future is computed from today's Polish date.
@Suite("valid time and recorded time through the binary (issue 23)")
struct ValidTimeCLITests {
    // The quarter the report is about: the world on its eve against the world on its last day.
    static let quarterEve = "2025-06-30"
    static let quarterEnd = "2025-09-30"

    /// NIPs of the spreadsheet's entities (valid check digits), by a short name.
    enum NIP {
        static let staraPrzystan = "7391000001"  // founded 1996, Olsztyn
        static let cisElk = "7391013570"  // founded 2008, Ełk
        static let kisBartoszyce = "7391027141"  // founded on the quarter's first day
        static let nowyStart = "7391040710"  // founded mid-quarter, Olsztyn
        static let kgwPloskinia = "7391067850"  // founded on the quarter's last day
        static let frombork = "7391094999"  // founded on the quarter's eve: not new in it
        static let zielen = "7391108566"  // closed mid-quarter
        static let wtzBraniewo = "7391122135"  // closed the day after the quarter
        static let zazDzialdowo = "7391135706"  // closed in 2019
        static let krotkiProjekt = "7391149275"  // founded and closed within the quarter
        static let zalew = "7391162844"  // founded 2023, Tolkmicko
        static let kisElk = "7391176415"  // closed on the quarter's last day (its first day closed)
        static let styczen = "7391189984"  // founded 2024-01-01, Olsztyn
        static let grudzien = "7391217120"  // closed 2024-01-01
        static let mazowiecka = "7391230698"  // founded in the quarter, but in region 14
    }

    /// The region's spreadsheet: Polish headers, `;`, both date styles, closing dates.
    static let spreadsheet = """
        Nazwa;Forma prawna;NIP;Miejscowość;TERYT gminy;Data założenia;Data zamknięcia
        Spółdzielnia Socjalna „Stara Przystań”;Spółdzielnia socjalna;\(NIP.staraPrzystan);Olsztyn;2862011;15.03.1996;
        Centrum Integracji Społecznej w Ełku;CIS;\(NIP.cisElk);Ełk;2805011;2008-09-01;
        Klub Integracji Społecznej w Bartoszycach;KIS;\(NIP.kisBartoszyce);Bartoszyce;2801011;01.07.2025;
        Fundacja „Nowy Start”;Fundacja;\(NIP.nowyStart);Olsztyn;2862011;2025-08-15;
        Koło Gospodyń Wiejskich w Płoskini;KGW;\(NIP.kgwPloskinia);Płoskinia;2802062;30.09.2025;
        Stowarzyszenie Rozwoju Wsi Frombork;stowarzyszenie;\(NIP.frombork);Frombork;2802033;30.06.2025;
        Spółdzielnia Socjalna „Mazurska Zieleń”;spółdzielnia socjalna;\(NIP.zielen);Ełk;2805011;05.05.2010;31.08.2025
        Warsztat Terapii Zajęciowej w Braniewie;WTZ;\(NIP.wtzBraniewo);Braniewo;2802011;1999-10-01;2025-10-01
        Zakład Aktywności Zawodowej w Działdowie;ZAZ;\(NIP.zazDzialdowo);Działdowo;2803011;01.01.2001;31.12.2019
        Fundacja „Krótki Projekt”;Fundacja;\(NIP.krotkiProjekt);Pasłęk;2804073;10.07.2025;01.09.2025
        Spółdzielnia Socjalna „Zalew”;Spółdzielnia socjalna;\(NIP.zalew);Tolkmicko;2804093;2023-05-05;
        Klub Integracji Społecznej w Ełku;KIS;\(NIP.kisElk);Ełk;2805011;2012-02-02;30.09.2025
        Fundacja „Styczeń”;Fundacja;\(NIP.styczen);Olsztyn;2862011;01.01.2024;
        Stowarzyszenie „Grudzień”;Stowarzyszenie;\(NIP.grudzien);Bartoszyce;2801011;2015-06-01;01.01.2024
        Fundacja Mazowiecka;Fundacja;\(NIP.mazowiecka);Warszawa;1465011;2025-08-01;

        """

    /// The quarter's changes in region 28 as its text report lists them, in order.
    static let quarterLines = [
        "+ Fundacja „Nowy Start” (fundacja), Olsztyn",
        "+ Klub Integracji Społecznej w Bartoszycach (kis), Bartoszyce, powiat bartoszycki",
        "+ Koło Gospodyń Wiejskich w Płoskini (kgw), Płoskinia, powiat braniewski",
        "− Klub Integracji Społecznej w Ełku (kis), Ełk, powiat ełcki",
        "− Spółdzielnia Socjalna „Mazurska Zieleń” (spoldzielnia-socjalna), Ełk, powiat ełcki",
    ]

    /// A registry with the spreadsheet imported, and the import's recorded time (as stored).
    struct Loaded {
        let scratch: Scratch
        let cli: CLI
        /// The stamp the import was recorded at: a `--recorded-at` before anything else was written.
        let imported: String
        /// Registry ids by NIP.
        let ids: [String: String]

        func id(_ nip: String) throws -> String { try #require(ids[nip], "no entity with NIP \(nip)") }
    }

    func loaded() throws -> Loaded {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let file = scratch.write("podmioty-28.csv", Self.spreadsheet)
        let result = try cli.run("import", "entities", file, "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try result.stdout.json() as? [String: Any], "\(result.stdout)")
        #expect(summary["inserted"] as? Int == 15, "\(result.stdout)")
        let stamps = try Self.rows(cli, ["sql", "SELECT DISTINCT recorded_at FROM v_entity_history"])
        #expect(stamps.count == 1, "one import, one recorded time: \(stamps)")
        let imported = try #require(stamps.first?["recorded_at"] as? String)
        var ids: [String: String] = [:]
        for row in try Self.rows(cli, ["query", "--status", "all"]) {
            if let nip = row["nip"] as? String, let id = row["id"] as? String { ids[nip] = id }
        }
        #expect(ids.count == 15)
        return Loaded(scratch: scratch, cli: cli, imported: imported, ids: ids)
    }

    // MARK: - 1. The import with past dates, the quarter's report and map, query --on

    @Test("an import with dates back to 1996: the quarter's report lists what was founded or closed in it by its dates")
    func quarterReport() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let period = ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--region", "28"]

        let text = try Self.succeeded(cli, period)
        #expect(text.hasPrefix("Changes from 2025-06-30 to 2025-09-30 in WARMIŃSKO-MAZURSKIE (28)\n"), "\(text)")
        #expect(Self.changeLines(text) == Self.quarterLines, "\(text)")
        #expect(Self.tableRow(text, "total") == ["total", "8", "9", "+1"], "\(text)")
        #expect(Self.tableRow(text, "spoldzielnia-socjalna") == ["spoldzielnia-socjalna", "3", "2", "−1"], "\(text)")
        #expect(Self.tableRow(text, "kgw") == ["kgw", "0", "1", "+1"], "\(text)")
        #expect(!text.contains("No entity appeared"), "\(text)")

        let json = try Self.object(cli, period + ["--format", "json"])
        #expect(try Self.changes(json) == [
            "appeared \(loaded.id(NIP.nowyStart))", "appeared \(loaded.id(NIP.kisBartoszyce))",
            "appeared \(loaded.id(NIP.kgwPloskinia))", "closed \(loaded.id(NIP.kisElk))", "closed \(loaded.id(NIP.zielen))",
        ])
        #expect((json["totals"] as? [String: Int]) == ["from": 8, "to": 9, "difference": 1])
        #expect(json["recorded_at"] is NSNull && json["region"] as? String == "28")
        let first = try #require((json["changes"] as? [[String: Any]])?.first)
        #expect(first["name"] as? String == "Fundacja „Nowy Start”" && first["kind"] as? String == "fundacja"
                && first["teryt"] as? String == "2862011" && first["place"] as? String == "Olsztyn")

        let html = try Self.succeeded(cli, period + ["--format", "html"])
        #expect(!html.contains("Brak zmian w tym okresie"), "the HTML report says nothing changed")
        for heading in ["Nowe (3)", "Zamknięte (2)"] { #expect(html.contains(heading), "HTML lacks \(heading)") }
        for name in ["Klub Integracji Społecznej w Bartoszycach (kis)", "Koło Gospodyń Wiejskich w Płoskini (kgw)",
                     "Klub Integracji Społecznej w Ełku (kis)"] {
            #expect(html.contains(name), "HTML lacks \(name)")
        }
        for name in ["Stara Przystań", "Frombork", "Krótki Projekt", "Mazowiecka", "Braniewie"] {
            #expect(!text.contains(name) && !html.contains(name), "\(name) is listed, but nothing happened to it in the quarter")
        }
    }

    @Test("the map on the quarter's last day counts each entity in its county; query --on 2024-01-01 as founded and closed")
    func quarterMapAndQuery() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let map = try Self.object(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEnd, "--format", "json"])
        let units = try #require(map["units"] as? [[String: Any]])
        #expect(units.count == 21, "every county of region 28")
        let counts = Self.countsPerUnit(units)
        #expect(counts.filter { $0.value > 0 } == ["2862": 3, "2805": 1, "2801": 1, "2802": 3, "2804": 1], "\(counts)")
        let perKind = Dictionary(uniqueKeysWithValues: units.compactMap { unit in
            (unit["code"] as? String).map { ($0, unit["entities"] as? [String: Int] ?? [:]) }
        })
        #expect(perKind["2862"] == ["spoldzielnia-socjalna": 1, "fundacja": 2])
        #expect(perKind["2802"] == ["kgw": 1, "stowarzyszenie": 1, "wtz": 1])
        #expect(perKind["2805"] == ["cis": 1] && perKind["2801"] == ["kis": 1])
        let gaps = (map["gaps"] as? [String: Any])?["without_cis_or_kis"] as? [String]
        #expect(gaps.map { !$0.contains("2805") && !$0.contains("2801") && $0.contains("2862") } == true, "\(String(describing: gaps))")
        let table = try Self.succeeded(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEnd])
        #expect(table.contains("powiat units: 21, on 2025-09-30;"), "\(table)")

        // On the quarter's eve the same county map as the report's first column.
        let eve = try Self.object(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEve, "--format", "json"])
        #expect(Self.countsPerUnit(try #require(eve["units"] as? [[String: Any]])).filter { $0.value > 0 }
                == ["2862": 2, "2805": 3, "2802": 2, "2804": 1])

        let january = try Self.rows(cli, ["query", "--on", "2024-01-01"])
        #expect(Set(january.compactMap { $0["nip"] as? String }) == [
            NIP.staraPrzystan, NIP.cisElk, NIP.zielen, NIP.wtzBraniewo, NIP.zalew, NIP.kisElk, NIP.styczen,
        ])
        #expect(january.allSatisfy { $0["status"] as? String == "active" })
        // The registry's whole world on that day, closed ones included, each with that day's status.
        let all = try Self.rows(cli, ["query", "--on", "2024-01-01", "--status", "all"])
        let statuses = Dictionary(uniqueKeysWithValues: all.compactMap { row in
            (row["nip"] as? String).map { ($0, row["status"] as? String ?? "?") }
        })
        #expect(statuses[NIP.grudzien] == "closed" && statuses[NIP.zazDzialdowo] == "closed" && statuses[NIP.zielen] == "active")
        #expect(statuses[NIP.nowyStart] == nil && statuses[NIP.krotkiProjekt] == nil, "not founded by then")
    }

    @Test("the first report after the initial load lists no entity as new: they were founded long before")
    func firstReportAfterLoad() throws {
        let loaded = try loaded()
        let today = Self.polishToday()
        let yesterday = Self.adding(days: -1, to: today)
        let text = try Self.succeeded(loaded.cli, ["report", "changes", "--from", yesterday, "--region", "28"])
        #expect(text.hasPrefix("Changes from \(yesterday) to \(today) in "), "\(text)")
        #expect(Self.changeLines(text).isEmpty, "\(text)")
        #expect(text.contains("\nNo entity appeared, closed, moved or changed kind.\n"), "\(text)")
        #expect(Self.tableRow(text, "total") == ["total", "8", "8", "0"], "\(text)")
        // Since the quarter's end: only the closing the day after it, by its date.
        let year = try Self.object(loaded.cli, ["report", "changes", "--from", "2025-09-30", "--region", "28", "--format", "json"])
        #expect(try Self.changes(year) == ["closed \(loaded.id(NIP.wtzBraniewo))"])
    }

    // MARK: - 2. The late closing

    @Test("a closing entered late changes the quarter's report as known now; --recorded-at reproduces it as first sent")
    func lateClosing() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let period = ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--region", "28"]
        let sent = try Self.succeeded(cli, period + ["--format", "json"])

        let close = try cli.run("entity", "close", NIP.zalew, "--date", "15.08.2025", "--reason", "likwidacja")
        #expect(close.status == 0, "\(close.stderr)")
        #expect(close.stderr == "closed \(try loaded.id(NIP.zalew)) on 2025-08-15\n")

        let now = try Self.object(cli, period + ["--format", "json"])
        #expect(try Self.changes(now) == [
            "appeared \(loaded.id(NIP.nowyStart))", "appeared \(loaded.id(NIP.kisBartoszyce))",
            "appeared \(loaded.id(NIP.kgwPloskinia))", "closed \(loaded.id(NIP.kisElk))", "closed \(loaded.id(NIP.zielen))",
            "closed \(loaded.id(NIP.zalew))",
        ])
        #expect((now["totals"] as? [String: Int]) == ["from": 8, "to": 8, "difference": 0])
        let text = try Self.succeeded(cli, period)
        #expect(Self.changeLines(text) == Self.quarterLines + ["− Spółdzielnia Socjalna „Zalew” (spoldzielnia-socjalna), Tolkmicko, powiat elbląski"])

        // As the registry knew it before the closing was recorded: the report as first sent.
        let before = loaded.imported
        let then = try Self.object(cli, period + ["--format", "json", "--recorded-at", before])
        #expect(then["recorded_at"] as? String == before)
        #expect(try Self.changes(then) == Self.changes(try #require(try sent.json() as? [String: Any])))
        #expect((then["totals"] as? [String: Int]) == ["from": 8, "to": 9, "difference": 1])
        let thenText = try Self.succeeded(cli, period + ["--recorded-at", before])
        #expect(thenText.hasPrefix("Changes from 2025-06-30 to 2025-09-30 in WARMIŃSKO-MAZURSKIE (28), as recorded by \(before)\n"),
                "\(thenText)")
        #expect(Self.changeLines(thenText) == Self.quarterLines)
        // The same moment written with an offset.
        let offset = try Self.object(cli, period + ["--format", "json", "--recorded-at", Self.withOffset(before, hours: 1)])
        #expect(offset["recorded_at"] as? String == before)
        #expect(try Self.changes(offset) == Self.changes(then))

        // query --on and map --on agree, now and then.
        func inQuery(_ day: String, _ knownAt: String?) throws -> Bool {
            let rows = try Self.rows(cli, ["query", "--nip", NIP.zalew, "--on", day] + (knownAt.map { ["--recorded-at", $0] } ?? []))
            return !rows.isEmpty
        }
        #expect(try inQuery("2025-08-14", nil))
        #expect(try !inQuery("2025-08-15", nil))
        #expect(try !inQuery(Self.quarterEnd, nil))
        #expect(try inQuery(Self.quarterEnd, before))
        func elblaski(_ knownAt: String?) throws -> Int? {
            let map = try Self.object(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEnd, "--format", "json"]
                                        + (knownAt.map { ["--recorded-at", $0] } ?? []))
            return Self.countsPerUnit(try #require(map["units"] as? [[String: Any]]))["2804"]
        }
        #expect(try elblaski(nil) == 0)
        #expect(try elblaski(before) == 1)
        let table = try Self.succeeded(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEnd, "--recorded-at", before])
        #expect(table.contains("powiat units: 21, on 2025-09-30 as recorded by \(before);"), "\(table)")
        let show = try Self.object(cli, ["entity", "show", NIP.zalew, "--on", Self.quarterEnd, "--recorded-at", before, "--format", "json"])
        #expect(show["status"] as? String == "active" && show["closed_on"] is NSNull)
    }

    // MARK: - 3. A closing date next year

    @Test("a closing date next year: active until then in entity show, query, export and map, closed from that day")
    func futureClosing() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let today = Self.polishToday()
        let next = Self.year(of: today) + 1
        let closing = "\(next)-03-31"
        let close = try cli.run("entity", "close", NIP.styczen, "--date", closing)
        #expect(close.status == 0, "\(close.stderr)")
        let id = try loaded.id(NIP.styczen)

        let shown = try Self.succeeded(cli, ["entity", "show", NIP.styczen])
        #expect(shown.split(separator: "\n").contains { $0.split(separator: " ").map(String.init) == ["status", "active"] }, "\(shown)")
        #expect(shown.split(separator: "\n").contains { $0.split(separator: " ").map(String.init) == ["closed_on", closing] }, "\(shown)")
        let after = try Self.succeeded(cli, ["entity", "show", NIP.styczen, "--on", "\(next)-04-01"])
        #expect(after.split(separator: "\n").contains { $0.split(separator: " ").map(String.init) == ["status", "closed"] }, "\(after)")

        for (day, status) in [(today, "active"), ("\(next)-03-30", "active"), (closing, "closed"), ("\(next)-04-01", "closed")] {
            let show = try Self.object(cli, ["entity", "show", id, "--on", day, "--format", "json"])
            #expect(show["status"] as? String == status, "entity show --on \(day)")
            let all = try Self.rows(cli, ["query", "--nip", NIP.styczen, "--status", "all", "--on", day])
            #expect(all.map { $0["status"] as? String } == [status], "query --status all --on \(day)")
            let active = try Self.rows(cli, ["query", "--nip", NIP.styczen, "--on", day])
            #expect(active.count == (status == "active" ? 1 : 0), "query --on \(day)")
            let export = try Self.rows(cli, ["export", "entities", "--format", "json", "--on", day])
            #expect(export.filter { $0["id"] as? String == id }.map { $0["status"] as? String } == [status], "export --on \(day)")
            let olsztyn = try Self.object(cli, ["map", "--level", "powiat", "--region", "28", "--on", day, "--format", "json"])
            #expect(Self.countsPerUnit(try #require(olsztyn["units"] as? [[String: Any]]))["2862"] == (status == "active" ? 3 : 2),
                    "map --on \(day)")
        }
        // Without --on: today.
        #expect(try Self.rows(cli, ["query", "--nip", NIP.styczen]).map { $0["status"] as? String } == ["active"])
    }

    // MARK: - 4. A founding date next year

    @Test("entity add with a founding date next year exits 65 naming founded_on and the value; nothing written")
    func futureFoundingRefused() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let founded = "01.01.\(Self.year(of: Self.polishToday()) + 1)"
        let before = try cli.dump()
        let add = try cli.run("entity", "add", "--kind", "kgw", "--name", "KGW Przyszłość", "--teryt", "2802062",
                              "--founded", founded)
        #expect(add.status == 65, "\(add.stdout) \(add.stderr)")
        #expect(add.stderr.hasPrefix("registry: error: founded_on \"\(founded)\": is after today"), "\(add.stderr)")
        #expect(add.stdout.isEmpty)
        #expect(try cli.dump() == before, "a refused entity add changed the registry")
    }

    // MARK: - 5. A change with a past effective date

    @Test("entity update --effective-on a past day changes the answers from that day on; history shows the day")
    func pastEffectiveDate() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let id = try loaded.id(NIP.staraPrzystan)
        let update = try cli.run("entity", "update", NIP.staraPrzystan, "--city", "Olsztyn-Dajtki", "--effective-on", "2025-08-01")
        #expect(update.status == 0, "\(update.stderr)")
        #expect(update.stderr == "updated \(id) to version 2\n")

        func city(_ day: String, _ knownAt: String? = nil) throws -> String? {
            let rows = try Self.rows(cli, ["query", "--nip", NIP.staraPrzystan, "--on", day]
                                     + (knownAt.map { ["--recorded-at", $0] } ?? []))
            return rows.count == 1 ? rows[0]["city"] as? String : "\(rows.count) rows"
        }
        #expect(try city("2025-07-31") == "Olsztyn")
        #expect(try city("2025-08-01") == "Olsztyn-Dajtki")
        #expect(try city(Self.polishToday()) == "Olsztyn-Dajtki")
        #expect(try city("2025-08-01", loaded.imported) == "Olsztyn", "as known before the change was recorded")
        #expect(try Self.object(cli, ["entity", "show", id, "--on", "2025-07-31", "--format", "json"])["city"] as? String == "Olsztyn")

        let history = try Self.succeeded(cli, ["entity", "history", NIP.staraPrzystan])
        let lines = history.split(separator: "\n").map(String.init)
        let second = try #require(lines.first { $0.hasPrefix("v2  ") }, "\(history)")
        #expect(second.hasSuffix("  tester  update  from 2025-08-01"), "\(second)")
        #expect(lines.contains("    city: \"Olsztyn\" → \"Olsztyn-Dajtki\""), "\(history)")
        #expect(lines.first { $0.hasPrefix("v1  ") }?.hasSuffix("  tester  add  from 1996-03-15") == true, "\(history)")
        let marked = try Self.succeeded(cli, ["entity", "history", NIP.staraPrzystan, "--on", "2025-07-31"])
        #expect(marked.split(separator: "\n").filter { $0.hasPrefix("* ") }.map { String($0.prefix(4)) } == ["* v1"], "\(marked)")
        let versions = try #require(try Self.succeeded(cli, ["entity", "history", id, "--format", "json"]).json() as? [[String: Any]])
        #expect(versions.map { $0["effective_on"] as? String } == ["1996-03-15", "2025-08-01"])

        let before = try cli.dump()
        let early = try cli.run("entity", "update", NIP.staraPrzystan, "--city", "Gutkowo", "--effective-on", "1995-01-01")
        #expect(early.status == 65, "\(early.stderr)")
        #expect(early.stderr == "registry: error: effective_on \"1995-01-01\": is before the founding date 1996-03-15 of entity \(id)\n")
        #expect(try cli.dump() == before, "a refused update changed the registry")
    }

    @Test("a re-import with a past Data zmiany moves an entity from that day: map, query and the report's moves")
    func reimportWithEffectiveDate() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        // Zalew moved from Tolkmicko (powiat elbląski) to Frombork (powiat braniewski) on 1 August 2025.
        let file = loaded.scratch.write("zmiany.csv", """
            Nazwa;Forma prawna;NIP;Miejscowość;TERYT gminy;Data zmiany
            Spółdzielnia Socjalna „Zalew”;Spółdzielnia socjalna;\(NIP.zalew);Frombork;2802033;01.08.2025

            """)
        let result = try cli.run("import", "entities", file, "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try result.stdout.json() as? [String: Any])?["updated"] as? Int == 1, "\(result.stdout)")

        func place(_ day: String) throws -> [String?] {
            try Self.rows(cli, ["query", "--nip", NIP.zalew, "--on", day]).map { $0["teryt"] as? String }
        }
        #expect(try place("2025-07-31") == ["2804093"])
        #expect(try place("2025-08-01") == ["2802033"])
        #expect(try place("2024-01-01") == ["2804093"])
        func counties(_ day: String) throws -> [String: Int] {
            let map = try Self.object(cli, ["map", "--level", "powiat", "--region", "28", "--on", day, "--format", "json"])
            return Self.countsPerUnit(try #require(map["units"] as? [[String: Any]])).filter { $0.key == "2802" || $0.key == "2804" }
        }
        #expect(try counties("2025-07-31") == ["2802": 2, "2804": 2], "Frombork, WTZ; Zalew, Krótki Projekt")
        #expect(try counties("2025-08-01") == ["2802": 3, "2804": 1])

        let out = try Self.succeeded(cli, ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--region", "2804"])
        #expect(Self.changeLines(out) == ["− Spółdzielnia Socjalna „Zalew” (spoldzielnia-socjalna), Tolkmicko, powiat elbląski"], "\(out)")
        let into = try Self.object(cli, ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--region", "2802",
                                         "--format", "json"])
        #expect(try Self.changes(into) == ["appeared \(loaded.id(NIP.kgwPloskinia))", "moved_in \(loaded.id(NIP.zalew))"])
        // Within the voivodeship nothing moved across its border: the quarter's report is as before.
        let region = try Self.succeeded(cli, ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--region", "28"])
        #expect(Self.changeLines(region) == Self.quarterLines)
        let history = try Self.succeeded(cli, ["entity", "history", NIP.zalew])
        #expect(history.split(separator: "\n").contains { $0.hasPrefix("v2  ") && $0.hasSuffix("  update  from 2025-08-01") }, "\(history)")
    }

    // MARK: - 6. --recorded-at in every reading command

    @Test("--recorded-at: a time with Z or an offset, or a date (the end of that Polish day); a bad value exits 65")
    func recordedAtEverywhere() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let resource = try cli.run("resource", "add", NIP.cisElk, "--category", "lokal", "--description", "sala")
        #expect(resource.status == 0, "\(resource.stderr)")
        let need = try cli.run("need", "add", NIP.cisElk, "--category", "lokal", "--description", "świetlica")
        #expect(need.status == 0, "\(need.stderr)")
        let grant = try cli.run("cert", "grant", NIP.cisElk, "--scheme", "zakup-prospoleczny", "--valid-from", "2025-01-01",
                                "--scope", "catering")
        #expect(grant.status == 0, "\(grant.stderr)")
        let today = Self.polishToday()
        let commands: [[String]] = [
            ["query", "--format", "json"],
            ["map", "--level", "powiat", "--region", "28", "--format", "json"],
            ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd, "--format", "json"],
            ["export", "entities", "--format", "json"],
            ["search", "spoldz", "--format", "json"],
            ["entity", "show", NIP.cisElk, "--format", "json"],
            ["entity", "history", NIP.cisElk, "--format", "json"],
            ["resource", "list", "--format", "json"],
            ["need", "list", "--format", "json"],
            ["sql", "SELECT id, name FROM v_entities ORDER BY id", "--format", "json"],
            ["cert", "holders", "--scheme", "zakup-prospoleczny", "--format", "json"],
        ]
        for command in commands {
            let name = command.prefix(2).joined(separator: " ")
            let zulu = try Self.succeeded(cli, command + ["--recorded-at", loaded.imported])
            let offset = try Self.succeeded(cli, command + ["--recorded-at", Self.withOffset(loaded.imported, hours: -5)])
            #expect(zulu == offset, "\(name): the same moment with Z and with -05:00")
            let endOfToday = try Self.succeeded(cli, command + ["--recorded-at", today])
            let current = try Self.succeeded(cli, command)
            if command[0] != "report" && command[0] != "map" {
                #expect(endOfToday == current, "\(name): the end of today knows what the registry knows now")
            }
            for bad in ["yesterday", "2025-02-30", "2025-09-30T25:00Z", "2025-09-30T12:00Zjunk"] {
                let refused = try cli.run(command + ["--recorded-at", bad])
                #expect(refused.status == 65, "\(name) --recorded-at \(bad): \(refused.stderr)")
                #expect(refused.stderr.hasPrefix("registry: error: recorded-at \"\(bad)\": "), "\(name): \(refused.stderr)")
                #expect(refused.stdout.isEmpty, "\(name)")
            }
        }
        // Known at the import: the entities, not yet the resource and need recorded after it.
        #expect(try Self.rows(cli, ["resource", "list", "--format", "json", "--recorded-at", loaded.imported]).isEmpty)
        #expect(try Self.rows(cli, ["resource", "list", "--format", "json"]).count == 1)
        #expect(try Self.rows(cli, ["need", "list", "--format", "json", "--recorded-at", loaded.imported]).isEmpty)
        #expect(try Self.rows(cli, ["need", "list", "--format", "json"]).count == 1)
        let holders = ["cert", "holders", "--scheme", "zakup-prospoleczny", "--on", Self.quarterEnd, "--format", "json"]
        #expect(try Self.rows(cli, holders + ["--recorded-at", loaded.imported]).isEmpty)
        #expect(try Self.rows(cli, holders).map { $0["entity_id"] as? String } == [try loaded.id(NIP.cisElk)])
        #expect(try Self.rows(cli, ["query", "--recorded-at", loaded.imported]).count == 9)
        // Before the registry knew anything: nothing. A day before the import is the end of yesterday.
        let yesterday = Self.adding(days: -1, to: today)
        #expect(try Self.rows(cli, ["query", "--recorded-at", yesterday]).isEmpty)
        #expect(try Self.rows(cli, ["export", "entities", "--format", "json", "--recorded-at", yesterday]).isEmpty)
        #expect(try Self.rows(cli, ["search", "spoldz", "--format", "json", "--recorded-at", yesterday]).isEmpty)
        // Search finds the day's entities, closed ones with that status, none founded later.
        func found(_ words: String, _ options: [String]) throws -> [String: String] {
            let rows = try Self.rows(cli, ["search", words, "--format", "json"] + options)
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["nip"] as? String ?? "?", $0["status"] as? String ?? "?") })
        }
        #expect(try found("spoldz", []) == [NIP.staraPrzystan: "active", NIP.zalew: "active", NIP.zielen: "closed"])
        #expect(try found("fundacja", ["--on", "2025-01-01"]) == [NIP.styczen: "active"])
        #expect(try found("fundacja", ["--on", "2025-09-15"])
                == [NIP.styczen: "active", NIP.nowyStart: "active", NIP.mazowiecka: "active", NIP.krotkiProjekt: "closed"])
        #expect(try Self.rows(cli, ["entity", "history", NIP.cisElk, "--format", "json", "--recorded-at", yesterday]).isEmpty)
        #expect(try Self.rows(cli, ["sql", "SELECT id FROM v_entities", "--format", "json", "--recorded-at", yesterday]).isEmpty)
        let unknown = try cli.run("entity", "show", NIP.cisElk, "--recorded-at", yesterday)
        #expect(unknown.status != 0 && unknown.stdout.isEmpty, "\(unknown.stdout)")

        // A date is the end of that Polish day: 22:00 UTC in summer, 23:00 UTC in winter.
        let summer = try Self.succeeded(cli, ["map", "--level", "powiat", "--region", "28", "--on", Self.quarterEnd,
                                              "--recorded-at", "2025-09-30"])
        #expect(summer.contains(" as recorded by 2025-09-30T21:59:59.999999Z;"), "\(summer)")
        let winter = try Self.object(cli, ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd,
                                           "--format", "json", "--recorded-at", "2025-12-31"])
        #expect(winter["recorded_at"] as? String == "2025-12-31T22:59:59.999999Z")
        let zulu = try Self.object(cli, ["report", "changes", "--from", Self.quarterEve, "--to", Self.quarterEnd,
                                         "--format", "json", "--recorded-at", "2025-10-05T12:30+02:00"])
        #expect(zulu["recorded_at"] as? String == "2025-10-05T10:30:00.000000Z")
    }

    // MARK: - 7. registry sql for a day and a moment

    @Test("registry sql --on D --recorded-at T answers v_entities for that day as known then")
    func sqlForDayAndMoment() throws {
        let loaded = try loaded()
        let cli = loaded.cli
        let close = try cli.run("entity", "close", NIP.zalew, "--date", "2025-08-15")
        #expect(close.status == 0, "\(close.stderr)")
        let count = "SELECT count(*) AS n FROM v_entities WHERE status = 'active' AND teryt LIKE '28%'"
        func active(_ options: [String]) throws -> Int? {
            try Self.rows(cli, ["sql", count, "--format", "json"] + options).first?["n"] as? Int
        }
        #expect(try active(["--on", Self.quarterEnd]) == 8)
        #expect(try active(["--on", Self.quarterEnd, "--recorded-at", loaded.imported]) == 9)
        #expect(try active(["--on", Self.quarterEve]) == 8)
        #expect(try active(["--on", "2024-01-01"]) == 7)
        #expect(try active([]) == 7, "today: the quarter's end less the WTZ closed the day after")

        let zalew = "SELECT status, closed_on, effective_on FROM v_entities WHERE nip = '\(NIP.zalew)'"
        let now = try Self.rows(cli, ["sql", zalew, "--format", "json", "--on", Self.quarterEnd])
        #expect(now.count == 1 && now.first?["status"] as? String == "closed" && now.first?["closed_on"] as? String == "2025-08-15")
        let then = try Self.rows(cli, ["sql", zalew, "--format", "json", "--on", Self.quarterEnd, "--recorded-at", loaded.imported])
        #expect(then.count == 1 && then.first?["status"] as? String == "active" && then.first?["closed_on"] is NSNull)
        // The day before it existed: not in that day's world.
        #expect(try Self.rows(cli, ["sql", zalew, "--format", "json", "--on", "2023-05-04"]).isEmpty)
        // With --recorded-at, the history view holds only what was recorded by then.
        let versions = "SELECT count(*) AS n FROM v_entity_history WHERE entity_id = '\(try loaded.id(NIP.zalew))'"
        #expect(try Self.rows(cli, ["sql", versions, "--format", "json"]).first?["n"] as? Int == 2)
        #expect(try Self.rows(cli, ["sql", versions, "--format", "json", "--recorded-at", loaded.imported]).first?["n"] as? Int == 1)
    }

    // MARK: - Helpers

    /// Runs a command expected to succeed; its standard output.
    static func succeeded(_ cli: CLI, _ arguments: [String]) throws -> String {
        let result = try cli.run(arguments)
        #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    /// A command's JSON object.
    static func object(_ cli: CLI, _ arguments: [String]) throws -> [String: Any] {
        let text = try succeeded(cli, arguments)
        return try #require(try text.json() as? [String: Any], "\(arguments.joined(separator: " ")): \(text)")
    }

    /// A listing's rows as JSON objects (`--format json` added for query).
    static func rows(_ cli: CLI, _ arguments: [String]) throws -> [[String: Any]] {
        let format = arguments.contains("--format") ? [] : ["--format", "json"]
        let text = try succeeded(cli, arguments + format)
        return try #require(try text.json() as? [[String: Any]], "\(arguments.joined(separator: " ")): \(text)")
    }

    /// A JSON change report's entity changes as "change id", in order.
    static func changes(_ report: [String: Any]) throws -> [String] {
        let changes = try #require(report["changes"] as? [[String: Any]])
        return changes.map { "\($0["change"] as? String ?? "?") \($0["id"] as? String ?? "?")" }
    }

    /// The text report's entity lines (`+ …`, `− …`, `~ …`).
    static func changeLines(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { $0.hasPrefix("+ ") || $0.hasPrefix("− ") || $0.hasPrefix("~ ") }
    }

    /// The cells of the text table's row starting with `first`.
    static func tableRow(_ text: String, _ first: String) -> [String]? {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.first { $0.first == first }
    }

    /// Entities per unit code in a JSON map.
    static func countsPerUnit(_ units: [[String: Any]]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: units.compactMap { unit in
            (unit["code"] as? String).map { ($0, (unit["entities"] as? [String: Int] ?? [:]).values.reduce(0, +)) }
        })
    }

    /// Today's Polish date (Europe/Warsaw), as the binary computes it.
    static func polishToday() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Warsaw") ?? TimeZone(secondsFromGMT: 3600) ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    static func year(of date: String) -> Int { Int(date.prefix(4)) ?? 0 }

    /// The ISO date `days` after `date`.
    static func adding(days: Int, to date: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = .gmt
        guard let day = formatter.date(from: date), let shifted = calendar.date(byAdding: .day, value: days, to: day) else {
            return date
        }
        return formatter.string(from: shifted)
    }

    /// A stored stamp (`…T01:02:03.123456Z`) written as the same moment with an offset of `hours`.
    static func withOffset(_ stamp: String, hours: Int) -> String {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime]
        guard let date = parser.date(from: String(stamp.prefix(19)) + "Z"),
              let zone = TimeZone(secondsFromGMT: hours * 3600) else { return stamp }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = zone
        let fraction = stamp.dropFirst(19).dropLast()  // ".123456"
        let sign = hours < 0 ? "-" : "+"
        return formatter.string(from: date) + fraction + String(format: "%@%02d:00", sign, abs(hours))
    }
}
