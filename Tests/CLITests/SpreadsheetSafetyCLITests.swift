import Foundation
import Testing

@Suite("registry command line: files for spreadsheets do not run formulas", .serialized)
struct SpreadsheetSafetyCLITests {
    static let formula = #"=HYPERLINK("http://x","click")"#

    /// A file's text without its UTF-8 BOM.
    static func text(_ path: String) throws -> String {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return String(decoding: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...], as: UTF8.self)
    }

    @Test("export --excel guards a formula with '; plain export keeps it exact; the --excel file re-imports the original")
    func excelExport() throws {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let add = try cli.run("entity", "add", "--kind", "fundacja", "--name", Self.formula, "--nip", "5260250274",
                              "--street", "@SUM(1)", "--note=-2+3")
        #expect(add.status == 0, "\(add.stderr)")

        let excel = scratch.path + "/excel.csv"
        #expect(try cli.run("export", "entities", "--excel", "-o", excel).status == 0)
        let excelText = try Self.text(excel)
        #expect(excelText.contains(#";"'=HYPERLINK(""http://x"",""click"")";"#))
        #expect(excelText.contains(";'@SUM(1);"))
        #expect(excelText.contains(";'-2+3"))
        // No cell of a data row begins with a formula character (the guarded cells begin with ').
        let row = try #require(excelText.components(separatedBy: "\r\n").dropFirst().first)
        #expect(!row.contains(";=") && !row.contains(";\"=") && !row.contains(";@") && !row.contains(";-"))

        let plain = scratch.path + "/plain.csv"
        #expect(try cli.run("export", "entities", "-o", plain).status == 0)
        let plainText = try Self.text(plain)
        #expect(plainText.contains(#","=HYPERLINK(""http://x"",""click"")","#))
        #expect(plainText.contains(",@SUM(1),"))
        #expect(!plainText.contains("'"))

        // Into a new registry: the names as they were, and the same --excel file again.
        let other = Scratch()
        let copy = CLI(scratch: other)
        let imported = try copy.run("import", "entities", excel)
        #expect(imported.status == 0, "\(imported.stderr)")
        let show = try copy.run("entity", "show", "5260250274", "--format", "json")
        let object = try #require(try show.stdout.json() as? [String: Any])
        #expect(object["name"] as? String == Self.formula)
        #expect(object["street"] as? String == "@SUM(1)")
        #expect(object["note"] as? String == "-2+3")
        let again = other.path + "/again.csv"
        #expect(try copy.run("export", "entities", "--excel", "-o", again).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: excel)))
    }

    @Test("a rejects file guards the rejected row's cells: =cmd|' /C calc'!A0 and @SUM(1) begin with '")
    func rejects() throws {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let input = scratch.write("in.csv", """
            Nazwa;Forma prawna;NIP
            =cmd|' /C calc'!A0;fundacja;1234567890
            Fundacja;fundacja;@SUM(1)
            Dobra;fundacja;5260250274

            """)
        let rejects = scratch.path + "/odrzucone.csv"
        let result = try cli.run("import", "entities", input, "--on-error", "skip", "--rejects", rejects)
        #expect(FileManager.default.fileExists(atPath: rejects), "\(result.stderr)")
        let lines = try Self.text(rejects).components(separatedBy: "\r\n")
        #expect(lines[0] == "Nazwa;Forma prawna;NIP;error")
        #expect(lines[1].hasPrefix("'=cmd|' /C calc'!A0;fundacja;1234567890;"))
        #expect(lines[2].hasPrefix("Fundacja;fundacja;'@SUM(1);"))
        #expect(lines.count == 4 && lines[3].isEmpty)
    }
}
