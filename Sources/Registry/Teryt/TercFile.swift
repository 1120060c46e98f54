import Foundation

/// Reads an official GUS TERC file (`WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA`, UTF-8 with or
/// without a BOM, CRLF) into units.
enum TercFile {
    static let columns = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]

    /// The edition bundled with the registry, used to seed a new database.
    static let bundledPath = "Data/teryt/TERC_2020-01-01.csv"

    static func read(_ reader: CSVReader, fileName: String) throws -> [TerytUnit] {
        let header = reader.header.map { $0.uppercased() }
        var position: [String: Int] = [:]
        for column in columns {
            guard let index = header.firstIndex(of: column) else {
                throw RegistryError.malformedFile(
                    path: fileName, line: 1,
                    message: "not a TERC file: column \(column) is missing (expected \(columns.joined(separator: ";")))")
            }
            position[column] = index
        }
        var units: [TerytUnit] = []
        while let record = try reader.next() {
            func cell(_ column: String) -> String {
                guard let index = position[column], index < record.fields.count else { return "" }
                return record.fields[index].trimmed
            }
            let woj = cell("WOJ"), pow = cell("POW"), gmi = cell("GMI"), rodz = cell("RODZ")
            let problem = { (column: String, value: String, message: String) in
                RegistryError.invalidRecord(RecordProblem(
                    record: record.number, line: record.line, column: column, value: value, message: message))
            }
            func digits(_ text: String, _ count: Int) -> Bool {
                text.utf8.count == count && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
            }
            guard digits(woj, 2) else { throw problem("WOJ", woj, "must be 2 digits") }
            let level: TerytUnit.Level
            let code: String
            if pow.isEmpty {
                level = .wojewodztwo
                code = woj
            } else if gmi.isEmpty {
                guard digits(pow, 2) else { throw problem("POW", pow, "must be 2 digits") }
                level = .powiat
                code = woj + pow
            } else {
                guard digits(pow, 2) else { throw problem("POW", pow, "must be 2 digits") }
                guard digits(gmi, 2) else { throw problem("GMI", gmi, "must be 2 digits") }
                guard ["1", "2", "3", "4", "5", "8", "9"].contains(rodz) else {
                    throw problem("RODZ", rodz, "must be 1–5, 8 or 9")
                }
                level = ["1", "2", "3"].contains(rodz) ? .gmina : .czesc
                code = woj + pow + gmi + rodz
            }
            let name = cell("NAZWA")
            guard !name.isEmpty else { throw problem("NAZWA", name, "must not be empty") }
            units.append(TerytUnit(
                code: code, level: level, communeType: level == .gmina || level == .czesc ? rodz : nil,
                communeCode: nil, name: name, unitType: cell("NAZWA_DOD"), edition: cell("STAN_NA")))
        }
        return assignCommunes(units)
    }

    /// Links parts (RODZ 4/5) to their urban-rural commune and city districts (8/9) to their city.
    static func assignCommunes(_ units: [TerytUnit]) -> [TerytUnit] {
        var cityOfCounty: [String: String] = [:]
        for unit in units where unit.communeType == "1" {
            if let county = unit.countyCode, cityOfCounty[county] == nil { cityOfCounty[county] = unit.code }
        }
        return units.map { unit in
            var unit = unit
            switch unit.communeType {
            case "1", "2", "3": unit.communeCode = unit.code
            case "4", "5": unit.communeCode = String(unit.code.prefix(6)) + "3"
            case "8", "9": unit.communeCode = unit.countyCode.flatMap { cityOfCounty[$0] }
            default: unit.communeCode = nil
            }
            return unit
        }
    }
}
