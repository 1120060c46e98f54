import Foundation
import Registry

/// Feeds arbitrary text to the public validators: NIP, REGON, KRS, postal code, PKD and dates.
///
/// Invariants: nothing traps; whatever parses is in its canonical form and parses again to itself
/// (also from its canonical text with the separators people type); a refusal is an `invalidValue`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidators(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
    let text = String(decoding: bytes, as: UTF8.self)
    nip(text)
    regon(text)
    krs(text)
    postalCode(text)
    pkd(text)
    date(text)
    return 0
}

private func isDigits(_ text: String, count: Int) -> Bool {
    text.utf8.count == count && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
}

private func nip(_ text: String) {
    guard let nip = parse({ try NIP(text) }) else {
        check(!NIP.isValid(text), "NIP.isValid disagrees with NIP.init for \(text.debugDescription)")
        return
    }
    let digits = nip.digits
    check(isDigits(digits, count: 10), "NIP digits \(digits)")
    let values = digits.utf8.map { Int($0) - 48 }
    let sum = zip(values, [6, 5, 7, 2, 3, 4, 5, 6, 7]).reduce(0) { $0 + $1.0 * $1.1 } % 11
    check(sum == values[9], "NIP checksum of \(digits)")
    let dashed = String(digits.prefix(3)) + "-" + String(digits.dropFirst(3).prefix(3)) + "-"
        + String(digits.dropFirst(6).prefix(2)) + "-" + String(digits.suffix(2))
    for form in [digits, dashed, "PL" + digits, " pl " + dashed + " "] {
        check(parse({ try NIP(form) }) == nip, "NIP \(form) does not re-parse to \(digits)")
    }
    check(NIP.isValid(text), "NIP.isValid disagrees")
}

private func regon(_ text: String) {
    guard let regon = parse({ try REGON(text) }) else { return }
    let digits = regon.digits
    check(isDigits(digits, count: 9) || isDigits(digits, count: 14), "REGON digits \(digits)")
    check(parse({ try REGON(digits) }) == regon, "REGON \(digits) does not re-parse")
    if digits.utf8.count == 14 {
        check(parse({ try REGON(String(digits.prefix(9))) }) != nil, "the first 9 digits of REGON \(digits) are invalid")
    }
}

private func krs(_ text: String) {
    guard let krs = parse({ try KRS(text) }) else { return }
    let digits = krs.digits
    check(isDigits(digits, count: 10), "KRS digits \(digits)")
    check(parse({ try KRS(digits) }) == krs, "KRS \(digits) does not re-parse")
    let short = String(digits.drop { $0 == "0" })
    if !short.isEmpty { check(parse({ try KRS(short) }) == krs, "KRS \(short) does not pad to \(digits)") }
}

private func postalCode(_ text: String) {
    guard let code = parse({ try PostalCode(text) }) else { return }
    let value = code.code
    let bytes = Array(value.utf8)
    check(bytes.count == 6 && bytes[2] == 45 && isDigits(String(decoding: bytes[0..<2] + bytes[3...], as: UTF8.self), count: 5),
          "postal code \(value)")
    check(parse({ try PostalCode(value) }) == code, "postal code \(value) does not re-parse")
    check(parse({ try PostalCode(value.replacingOccurrences(of: "-", with: "")) }) == code, "postal code without dash")
}

private func pkd(_ text: String) {
    if let code = parse({ try PKD(text) }) {
        let value = code.code
        let bytes = Array(value.utf8)
        check(bytes.count == 7 && bytes[2] == 46 && bytes[5] == 46 && bytes[6] >= 65 && bytes[6] <= 90,
              "PKD \(value)")
        check(parse({ try PKD(value) }) == code, "PKD \(value) does not re-parse")
        check(parse({ try PKD(value.lowercased().replacingOccurrences(of: ".", with: "")) }) == code, "PKD compact form")
        check(parse({ try PKD.normalizedPrefix(value) }) == value, "PKD prefix of \(value)")
    }
    if let prefix = parse({ try PKD.normalizedPrefix(text) }) {
        check(!prefix.isEmpty && prefix.utf8.count <= 7, "PKD prefix \(prefix)")
        check(parse({ try PKD.normalizedPrefix(prefix) }) == prefix, "PKD prefix \(prefix) is not stable")
    }
}

private func date(_ text: String) {
    if let date = LocalDate(iso: text) {
        check(date.description == text, "ISO date \(text) prints as \(date)")
        check(parse({ try LocalDate.parse(text, field: "date") }) == date, "parse and init(iso:) disagree")
    }
    guard let date = parse({ try LocalDate.parse(text, field: "date") }) else { return }
    check((1000...9999).contains(date.year) && (1...12).contains(date.month) && (1...31).contains(date.day), "date \(date)")
    let iso = date.description
    check(LocalDate(iso: iso) == date, "date \(iso) does not re-parse")
    check(LocalDate(daysSinceEpoch: date.daysSinceEpoch) == date, "days since epoch of \(iso)")
    check(LocalDate(year: date.year, month: date.month, day: date.day) == date, "date parts of \(iso)")
    let polish = "\(date.day).\(date.month).\(date.year)"
    check(parse({ try LocalDate.parse(polish, field: "date") }) == date, "date \(polish) does not re-parse")
    let next = date.adding(days: 1)
    check(next > date && next.adding(days: -1) == date, "the day after \(iso)")
}

/// The parsed value, or nil when refused; a refusal must be an `invalidValue`.
private func parse<T>(_ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch RegistryError.invalidValue {
        return nil
    } catch {
        check(false, "unexpected error \(error)")
        return nil
    }
}

private func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        FileHandle.standardError.write(Data("invariant failed: \(message())\n".utf8))
        abort()
    }
}
