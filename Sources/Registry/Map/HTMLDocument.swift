/// A self-contained HTML page (inline CSS and SVG, no scripts, fonts or network), readable on
/// screen and when printed. Everything user-supplied goes through `escape`.
struct HTMLDocument {
    private(set) var body = ""
    let title: String

    init(title: String) {
        self.title = title
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    mutating func heading(_ text: String, level: Int = 2) {
        body += "<h\(level)>\(Self.escape(text))</h\(level)>\n"
    }

    mutating func paragraph(_ text: String, className: String? = nil) {
        body += "<p\(className.map { " class=\"\($0)\"" } ?? "")>\(Self.escape(text))</p>\n"
    }

    /// A definition list of the data's date and the filters used.
    mutating func facts(_ pairs: [(String, String)]) {
        body += "<dl class=\"facts\">"
        for (term, value) in pairs {
            body += "<dt>\(Self.escape(term))</dt><dd>\(Self.escape(value))</dd>"
        }
        body += "</dl>\n"
    }

    /// A table; columns after the first `textColumns` are numbers, right-aligned.
    mutating func table(_ header: [String], _ rows: [[String]], textColumns: Int = 2, footer: [String]? = nil) {
        func cells(_ values: [String], tag: String) -> String {
            values.enumerated().map { index, value in
                "<\(tag)\(index >= textColumns ? " class=\"n\"" : "")>\(Self.escape(value))</\(tag)>"
            }.joined()
        }
        body += "<table><thead><tr>\(cells(header, tag: "th"))</tr></thead><tbody>\n"
        for row in rows { body += "<tr>\(cells(row, tag: "td"))</tr>\n" }
        body += "</tbody>"
        if let footer { body += "<tfoot><tr>\(cells(footer, tag: "th"))</tr></tfoot>" }
        body += "</table>\n"
    }

    mutating func list(_ items: [String]) {
        guard !items.isEmpty else { return }
        body += "<ul>" + items.map { "<li>\(Self.escape($0))</li>" }.joined() + "</ul>\n"
    }

    mutating func raw(_ html: String) {
        body += html
    }

    var text: String {
        """
        <!DOCTYPE html>
        <html lang="pl">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>
        body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; margin: 2em; color: #1a1a1a; font-size: 14px; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
        table { border-collapse: collapse; margin: 0.5em 0; }
        th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
        thead th { background: #eef2f7; }
        tfoot th { background: #f6f6f6; }
        .n { text-align: right; font-variant-numeric: tabular-nums; }
        .facts dt { font-weight: bold; float: left; clear: left; width: 11em; }
        .facts dd { margin-left: 11em; }
        .note { color: #555; }
        svg { display: block; margin: 0.5em 0; }
        .legend span { display: inline-block; margin-right: 1em; }
        .legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; }
        @media print { body { margin: 1cm; font-size: 10pt; } h2 { break-after: avoid; } tr, svg { break-inside: avoid; } }
        </style>
        </head>
        <body>
        <h1>\(Self.escape(title))</h1>
        \(body)</body>
        </html>

        """
    }
}
