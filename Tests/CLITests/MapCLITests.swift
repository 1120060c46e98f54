import Foundation
import Testing

@Suite("registry map and report changes", .serialized)
struct MapCLITests {
    static let examples = WorkflowCLITests.examples

    /// Chromium from Debian's package (`scripts/install-deps` installs it), if present.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func ready() throws -> (Scratch, CLI) {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let result = try cli.run("import", "entities", Self.examples)
        #expect(result.status == 0, "\(result.stderr)")
        let resource = try cli.run("resource", "add", "7390000016", "--category", "lokal", "--description", "sala")
        #expect(resource.status == 0, "\(resource.stderr)")
        let need = try cli.run("need", "add", "7390475156", "--category", "lokal", "--description", "świetlica")
        #expect(need.status == 0, "\(need.stderr)")
        return (scratch, cli)
    }

    @Test("map as CSV and JSON: every county listed, counts per kind, gaps")
    func csvAndJSON() throws {
        let (_, cli) = try ready()
        let csv = try cli.run("map", "--level", "powiat", "--region", "28", "--format", "csv")
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 22, "header and 21 counties")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let olsztyn = try #require(lines.first { $0.hasPrefix("2862,") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func value(_ column: String) -> String? { header.firstIndex(of: column).map { olsztyn[$0] } }
        #expect(value("entities") == "3" && value("kind:cis") == "1" && value("kind:spoldzielnia-socjalna") == "1")
        #expect(value("resource:lokal") == "1" && value("gap_no_cis_kis") == "0")
        #expect(lines.contains { $0.hasPrefix("2806,giżycki,0,") })

        let json = try cli.run("map", "--level", "powiat", "--region", "28", "--format", "json")
        let object = try #require(try json.stdout.json() as? [String: Any])
        let units = try #require(object["units"] as? [[String: Any]])
        #expect(units.count == 21)
        let braniewski = try #require(units.first { $0["code"] as? String == "2802" })
        #expect((braniewski["entities"] as? [String: Int]) == ["wtz": 1, "stowarzyszenie": 1, "kgw": 1])
        #expect((braniewski["open_needs"] as? [String: Int]) == ["lokal": 1])
        #expect(((object["gaps"] as? [String: Any])?["unmatched_needs"] as? [String]) == ["2802"])

        let voivodeships = try cli.run("map", "--level", "wojewodztwo")
        #expect(voivodeships.status == 0)
        for name in ["DOLNOŚLĄSKIE", "WARMIŃSKO-MAZURSKIE", "ZACHODNIOPOMORSKIE"] {
            #expect(voivodeships.stdout.localizedCaseInsensitiveContains(name), "\(name)")
        }
        let refused = try cli.run("map", "--level", "wojewodztwo", "--region", "2801")
        #expect(refused.status == 64, "\(refused.stderr)")
    }

    @Test("report changes: the entities founded since the first day appear by their founding dates, with places")
    func changes() throws {
        let (_, cli) = try ready()
        let text = try cli.run("report", "changes", "--from", "2000-01-01", "--region", "28")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("+ Centrum Integracji Społecznej w Olsztynie (cis), Olsztyn"))
        #expect(text.stdout.contains("+ Klub Integracji Społecznej w Bartoszycach (kis), Bartoszyce, powiat bartoszycki"))
        let json = try cli.run("report", "changes", "--from", "2000-01-01", "--format", "json", "--level", "wojewodztwo")
        let object = try #require(try json.stdout.json() as? [String: Any])
        // Two of the twelve were founded before 2000 (1957, 1999): they existed on the first day.
        #expect((object["changes"] as? [Any])?.count == 10)
        #expect(((object["totals"] as? [String: Int])?["difference"]) == 10)
        #expect(((object["totals"] as? [String: Int])?["from"]) == 2)
        let units = try #require(object["units"] as? [[String: Any]])
        #expect(units.count == 16 && units.first { $0["code"] as? String == "28" }?["to"] as? Int == 12)
        let csv = try cli.run("report", "changes", "--from", "2000-01-01", "--format", "csv")
        #expect(csv.stdout.hasPrefix("section,code,name,kind,previous_kind,from,to,difference,place,id\n"))
        #expect(csv.stdout.contains("\nkind,,,cis,,0,1,1,,\n"))
    }

    @Test("HTML map renders in headless Chromium: not blank, unit names on the page",
          Capability.needed(MapCLITests.chromium != nil, "Chromium is not installed (scripts/install-deps installs Debian's chromium)"))
    func renderInChromium() throws {
        try Capability.check(Self.chromium != nil, "Chromium is not installed")
        let (scratch, cli) = try ready()
        let html = scratch.path + "/mapa.html"
        let result = try cli.run("map", "--level", "powiat", "--region", "28", "--format", "html", "-o", html)
        #expect(result.status == 0, "\(result.stderr)")
        let blank = scratch.path + "/blank.html"
        try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: URL(fileURLWithPath: blank))

        let page = try render(html, in: scratch)
        let empty = try render(blank, in: scratch)
        // A blank page compresses to a few kilobytes; tables, text and bars do not.
        #expect(page.png.count > 5 * empty.png.count, "map \(page.png.count) bytes, blank \(empty.png.count) bytes")
        #expect(Array(page.png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        for name in ["bartoszycki", "giżycki", "Olsztyn", "Elbląg", "Mapa zasobów i potrzeb"] {
            #expect(page.dom.contains(name), "rendered page lacks \(name)")
        }
        #expect(page.dom.contains("<svg"))
    }

    /// Screenshot and DOM of `file` after Chromium rendered it.
    private func render(_ file: String, in scratch: Scratch) throws -> (png: Data, dom: String) {
        let binary = try #require(Self.chromium)
        let png = file + ".png"
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600",
                     "--user-data-dir=\(scratch.path)/chromium"]
        let shot = try CLI(directory: scratch.path).run(flags + ["--screenshot=\(png)", "file://\(file)"], executable: binary)
        #expect(shot.status == 0, "\(shot.stderr)")
        let dom = try CLI(directory: scratch.path).run(flags + ["--dump-dom", "file://\(file)"], executable: binary)
        return (try Data(contentsOf: URL(fileURLWithPath: png)), dom.stdout)
    }
}
