import SQLiteStore

/// How rows are written: the formats every read command and `export` share.
public enum RecordFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV (UTF-8; `--excel` makes it `;`, BOM, CRLF, and guards cells against formulas).
    case csv
    /// One JSON array of objects.
    case json
    /// One JSON object per line.
    case ndjson
    /// A GeoJSON FeatureCollection of Points, for rows with coordinates.
    case geojson
}
