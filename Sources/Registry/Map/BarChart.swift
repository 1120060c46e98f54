/// Horizontal bar charts as inline SVG: one bar per label, stacked by series when there are several.
struct BarChart {
    struct Bar {
        let label: String
        /// One value per series, in `series` order.
        let values: [Int]
    }

    let series: [String]
    let bars: [Bar]

    /// Colours that stay distinct when printed in grey.
    private static let palette = [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#7b4173", "#3182bd", "#e6550d",
    ]

    static func colour(_ index: Int) -> String {
        palette[index % palette.count]
    }

    /// The chart and, for several series, a legend.
    var html: String {
        let labelWidth = 220, barArea = 480, rowHeight = 20
        let height = bars.count * rowHeight + 10
        let largest = max(bars.map { $0.values.reduce(0, +) }.max() ?? 0, 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + barArea + 60)\" height=\"\(height)\" role=\"img\">"
        for (row, bar) in bars.enumerated() {
            let y = row * rowHeight + 5
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 14)\" text-anchor=\"end\" font-size=\"12\">\(HTMLDocument.escape(String(bar.label.prefix(34))))</text>"
            var x = Double(labelWidth)
            for (index, value) in bar.values.enumerated() where value > 0 {
                let width = Double(value) / Double(largest) * Double(barArea)
                svg += "<rect x=\"\(Self.format(x))\" y=\"\(y + 2)\" width=\"\(Self.format(width))\" height=\"\(rowHeight - 6)\" fill=\"\(Self.colour(index))\">"
                svg += "<title>\(HTMLDocument.escape(series[index])): \(value)</title></rect>"
                x += width
            }
            svg += "<text x=\"\(Self.format(x + 4))\" y=\"\(y + 14)\" font-size=\"12\">\(bar.values.reduce(0, +))</text>"
        }
        svg += "</svg>\n"
        guard series.count > 1 else { return svg }
        let used = series.indices.filter { index in bars.contains { $0.values[index] > 0 } }
        let legend = used.map { "<span><i style=\"background:\(Self.colour($0))\"></i>\(HTMLDocument.escape(series[$0]))</span>" }
        return svg + "<div class=\"legend\">" + legend.joined() + "</div>\n"
    }

    /// One decimal, without Foundation's locale-dependent formatting.
    private static func format(_ value: Double) -> String {
        let tenths = max(Int((value * 10).rounded()), 0)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
