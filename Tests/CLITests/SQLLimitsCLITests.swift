import Foundation
import Testing

@Suite("registry sql: time and memory limits, refused functions, escaped streaming table", .serialized)
struct SQLLimitsCLITests {
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT max(x) FROM c"

    /// A registry with one entity, for checks that a refused statement left it as it was.
    static func registry() throws -> (Scratch, CLI) {
        let scratch = Scratch()
        let cli = CLI(scratch: scratch)
        let initResult = try cli.run("init")
        #expect(initResult.status == 0, "\(initResult.stderr)")
        let add = try cli.run("entity", "add", "--kind", "cis", "--name", "CIS Olsztyn", "--teryt", "2862011")
        #expect(add.status == 0, "\(add.stderr)")
        return (scratch, cli)
    }

    @Test("an endless statement stops at --timeout with exit 65 naming the time limit")
    func timeLimit() throws {
        let (_, cli) = try Self.registry()
        let run = try cli.run(["sql", "--timeout", "1", "--format", "csv", Self.endless], timeout: 60)
        #expect(!run.timedOut, "the statement ran until the harness killed it")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("time limit (1 s)"), "\(run.stderr)")
        #expect(run.stderr.contains("--timeout"), "\(run.stderr)")
    }

    @Test("one function call SQLite cannot interrupt is ended 2 s past --timeout, with exit 65 naming the limit")
    func timeLimitInsideOneCall() throws {
        let (_, cli) = try Self.registry()
        // instr() over megabytes runs inside one VM step: the progress handler never gets a say.
        let slow = "SELECT instr(printf('%.*c', 20000000, 'a'), printf('%.*c', 200000, 'a') || 'b')"
        let run = try cli.run(["sql", "--timeout", "1", "--format", "csv", slow], timeout: 60)
        #expect(!run.timedOut, "the statement ran until the harness killed it")
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("time limit (1 s)"), "\(run.stderr)")
    }

    @Test("a statement that needs more heap than --max-memory stops with exit 65 naming the memory limit")
    func memoryLimit() throws {
        let (_, cli) = try Self.registry()
        let hungry = "SELECT length(group_concat(randomblob(1000000))) FROM "
            + "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 400) SELECT x FROM c)"
        let run = try cli.run(["sql", "--max-memory", "64", "--format", "csv", hungry], timeout: 60)
        #expect(!run.timedOut)
        #expect(run.status == 65, "\(run.stderr)")
        #expect(run.stderr.contains("memory limit (64 MB)"), "\(run.stderr)")
        #expect(run.stderr.contains("--max-memory"), "\(run.stderr)")
        // Within the limit the same kind of statement runs.
        let small = try cli.run("sql", "--max-memory", "64", "--format", "csv",
                                "SELECT length(group_concat(hex(randomblob(1000000)))) AS n FROM (SELECT 1 UNION ALL SELECT 2)")
        #expect(small.status == 0, "\(small.stderr)")
        #expect(small.stdout == "n\n4000001\n")
    }

    @Test("functions that expose addresses, files or load code are refused with exit 65; the registry is unchanged",
          arguments: [
              ("SELECT hex(fts3_tokenizer('porter'))", "fts3_tokenizer"),
              ("SELECT fts3_tokenizer('evil', x'0102030405060708')", "fts3_tokenizer"),
              ("SELECT readfile('/etc/passwd')", "readfile"),
              ("SELECT writefile('x', 'y')", "writefile"),
              ("SELECT load_extension('/tmp/x.so')", "load_extension"),
              ("SELECT typeof(fts5(NULL))", "fts5"),
              ("SELECT count(*) FROM v_entities WHERE name <> FTS3_TOKENIZER('simple')", "fts3_tokenizer"),
          ])
    func refusedFunctions(_ sql: String, _ function: String) throws {
        let (scratch, cli) = try Self.registry()
        let file = scratch.path + "/registry.sqlite"
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let result = try cli.run("sql", "--format", "csv", sql)
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.contains("refused"), "\(result.stderr)")
        #expect(result.stderr.contains(function), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        let count = try cli.run("sql", "--format", "csv", "SELECT count(*) AS n FROM entities")
        #expect(count.stdout == "n\n1\n")
    }

    @Test("the table shows control characters escaped; CSV keeps the exact bytes")
    func escapedTable() throws {
        let (_, cli) = try Self.registry()
        let sql = "SELECT char(27)||'[31mred' AS v, 'a'||char(10)||'b' AS w, char(7) AS \"bell\u{1b}\""
        let table = try cli.run("sql", "--format", "table", sql)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout == "v" + String(repeating: " ", count: 12) + "w     bell\\x1b\n"
            + "-----------  ----  --------\n\\x1b[31mred  a\\nb  \\x07\n")
        #expect(!table.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let csv = try cli.run("sql", "--format", "csv", sql)
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout == "v,w,bell\u{1b}\n\u{1b}[31mred,\"a\nb\",\u{7}\n")
    }

    @Test("the table streams: widths come from the header and the first 1,000 rows, later wider cells overflow")
    func streamingTable() throws {
        let (_, cli) = try Self.registry()
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1500) "
            + "SELECT x, CASE x WHEN 1000 THEN 'ww' WHEN 1200 THEN 'wide-wide-wide' ELSE 'n' END AS w, 'end' AS z FROM c"
        let result = try cli.run("sql", "--format", "table", sql)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 1503)  // header, rule, 1,500 rows and the final newline
        #expect(lines[0] == "x     w   z")
        #expect(lines[1] == "----  --  ---")
        #expect(lines[2] == "1     n   end")
        #expect(lines[1001] == "1000  ww  end")
        #expect(lines[1201] == "1200  wide-wide-wide  end")
        #expect(lines[1202] == "1201  n   end")
        #expect(lines[1501] == "1500  n   end")
        #expect(lines[1502] == "")
    }

    @Test("a table shorter than the sample is printed whole, and an empty result prints its header")
    func shortTables() throws {
        let (_, cli) = try Self.registry()
        let empty = try cli.run("sql", "--format", "table", "SELECT 1 AS one, 2 AS two WHERE 0")
        #expect(empty.stdout == "one  two\n---  ---\n")
        let short = try cli.run("sql", "--format", "table", "SELECT 'abcdef' AS a, 2 AS b")
        #expect(short.stdout == "a       b\n------  -\nabcdef  2\n")
    }

    @Test("--timeout and --max-memory must be more than 0 (exit 64)")
    func invalidLimits() throws {
        let (_, cli) = try Self.registry()
        for arguments in [["--timeout", "0"], ["--timeout", "-1"], ["--timeout", "nan"], ["--max-memory", "0"]] {
            let result = try cli.run(["sql"] + arguments + ["SELECT 1"])
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(arguments[0]), "\(result.stderr)")
        }
        #expect(try cli.run("sql", "--timeout", "0.5", "--max-memory", "16", "--format", "csv", "SELECT 1 AS x").stdout == "x\n1\n")
    }
}
