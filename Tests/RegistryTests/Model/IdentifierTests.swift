import Testing
@testable import Registry

/// An independent generator: computes check digits with the published weights.
private enum Reference {
    static func checkDigit(_ digits: [Int], _ weights: [Int], tenIsZero: Bool) -> Int? {
        let sum = zip(digits, weights).map(*).reduce(0, +) % 11
        if sum == 10 { return tenIsZero ? 0 : nil }
        return sum
    }

    static func randomDigits(_ count: Int, using generator: inout some RandomNumberGenerator) -> [Int] {
        (0..<count).map { _ in Int.random(in: 0...9, using: &generator) }
    }
}

/// A deterministic generator so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("NIP")
struct NIPTests {
    @Test("accepted forms normalise to 10 digits", arguments: [
        "5260250274", "526-025-02-74", "526 025 02 74", "PL5260250274", "pl 526-025-02-74", " 5260250274 ",
    ])
    func accepted(_ text: String) throws {
        #expect(try NIP(text).digits == "5260250274")
    }

    @Test("refusals name the value and the rule", arguments: [
        ("5425000802", "checksum digit should be 1"),
        ("526025027", "must be 10 digits (dashes and a PL prefix are allowed)"),
        ("52602502745", "must be 10 digits (dashes and a PL prefix are allowed)"),
        ("52602502x4", "must be 10 digits (dashes and a PL prefix are allowed)"),
        ("", "must be 10 digits (dashes and a PL prefix are allowed)"),
        ("DE5260250274", "must be 10 digits (dashes and a PL prefix are allowed)"),
    ])
    func refused(_ text: String, _ rule: String) {
        #expect(throws: RegistryError.invalidValue(field: "nip", value: text, rule: rule)) { try NIP(text) }
    }

    @Test("a body whose checksum is 10 is never valid")
    func remainderTen() throws {
        var generator = SeededGenerator(state: 1)
        var found = 0
        while found < 20 {
            let body = Reference.randomDigits(9, using: &generator)
            guard Reference.checkDigit(body, NIP.weights, tenIsZero: false) == nil else { continue }
            found += 1
            for last in 0...9 {
                let text = body.map(String.init).joined() + String(last)
                #expect(throws: RegistryError.invalidValue(field: "nip", value: text, rule: "checksum gives 10, which no valid NIP has")) {
                    try NIP(text)
                }
            }
        }
    }

    @Test("1,000 generated NIPs pass, and changing any one digit of each is caught")
    func generated() throws {
        var generator = SeededGenerator(state: 42)
        var checked = 0
        while checked < 1000 {
            let body = Reference.randomDigits(9, using: &generator)
            guard let check = Reference.checkDigit(body, [6, 5, 7, 2, 3, 4, 5, 6, 7], tenIsZero: false) else { continue }
            let digits = body + [check]
            #expect(try NIP(digits.map(String.init).joined()).digits == digits.map(String.init).joined())
            // Every weight is non-zero mod 11 and 11 is prime, so any single-digit change alters the sum.
            let position = Int.random(in: 0..<10, using: &generator)
            var changed = digits
            changed[position] = (digits[position] + Int.random(in: 1...9, using: &generator)) % 10
            #expect(!NIP.isValid(changed.map(String.init).joined()))
            checked += 1
        }
    }
}

@Suite("REGON")
struct REGONTests {
    @Test("generated 9- and 14-digit REGONs pass; a changed check digit is refused naming the right one")
    func generated() throws {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<500 {
            let body = Reference.randomDigits(8, using: &generator)
            let check9 = Reference.checkDigit(body, [8, 9, 2, 3, 4, 5, 6, 7], tenIsZero: true) ?? 0
            let regon9 = (body + [check9]).map(String.init).joined()
            #expect(try REGON(regon9).digits == regon9)
            let wrong = (check9 + 1) % 10
            let bad9 = (body + [wrong]).map(String.init).joined()
            #expect(throws: RegistryError.invalidValue(field: "regon", value: bad9, rule: "checksum digit should be \(check9)")) {
                try REGON(bad9)
            }
            let local = body + [check9] + Reference.randomDigits(4, using: &generator)
            let check14 = Reference.checkDigit(local, [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8], tenIsZero: true) ?? 0
            let regon14 = (local + [check14]).map(String.init).joined()
            #expect(try REGON(regon14).digits == regon14)
            // Every other 14th digit is refused, naming the right one.
            for wrong14 in (0...9) where wrong14 != check14 {
                let bad14 = (local + [wrong14]).map(String.init).joined()
                #expect(throws: RegistryError.invalidValue(field: "regon", value: bad14, rule: "checksum digit should be \(check14)")) {
                    try REGON(bad14)
                }
            }
        }
    }

    @Test("a 14-digit REGON whose first 9 digits are not a REGON is refused")
    func invalidPrefix() throws {
        // Build a 14-digit number with a correct 14th check digit but a wrong 9th digit.
        let body = [1, 2, 3, 4, 5, 6, 7, 8]
        let check9 = Reference.checkDigit(body, [8, 9, 2, 3, 4, 5, 6, 7], tenIsZero: true) ?? 0
        let wrong9 = (check9 + 1) % 10
        let local = body + [wrong9, 0, 0, 0, 1]
        let check14 = Reference.checkDigit(local, [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8], tenIsZero: true) ?? 0
        let text = (local + [check14]).map(String.init).joined()
        #expect(throws: RegistryError.invalidValue(field: "regon", value: text, rule: "first 9 digits are not a valid REGON (checksum digit should be \(check9))")) {
            try REGON(text)
        }
    }

    @Test("wrong lengths are refused", arguments: ["12345678", "1234567890", "1234567890123", "abcdefghi"])
    func length(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "regon", value: text, rule: "must be 9 or 14 digits")) { try REGON(text) }
    }
}

@Suite("KRS, postal codes, PKD, contact details")
struct SmallValueTests {
    @Test("KRS numbers are zero-padded to 10 digits", arguments: [("123456", "0000123456"), ("0000123456", "0000123456"), ("1", "0000000001")])
    func krs(_ text: String, _ digits: String) throws {
        #expect(try KRS(text).digits == digits)
    }

    @Test("KRS refusals", arguments: ["12345678901", "12a4", ""])
    func krsRefused(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "krs", value: text, rule: "must be up to 10 digits")) { try KRS(text) }
    }

    @Test("postal codes", arguments: [("10-950", "10-950"), ("10950", "10-950"), (" 00-001 ", "00-001")])
    func postal(_ text: String, _ code: String) throws {
        #expect(try PostalCode(text).code == code)
    }

    @Test("bad postal codes", arguments: ["1-950", "10 950", "AB-123", "10-9500"])
    func postalRefused(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "postal_code", value: text, rule: "must look like 00-950")) { try PostalCode(text) }
    }

    @Test("PKD codes normalise to NN.NN.L", arguments: [("56.29.Z", "56.29.Z"), ("56.29Z", "56.29.Z"), ("5629Z", "56.29.Z"), ("56.29.z", "56.29.Z")])
    func pkd(_ text: String, _ code: String) throws {
        #expect(try PKD(text).code == code)
    }

    @Test("PKD prefixes for filters", arguments: [("56", "56"), ("56.2", "56.2"), ("5629", "56.29"), ("56.29.z", "56.29.Z")])
    func pkdPrefix(_ text: String, _ prefix: String) throws {
        #expect(try PKD.normalizedPrefix(text) == prefix)
    }

    @Test("bad PKD codes", arguments: ["56.29", "ABCDE", "562.9.Z"])
    func pkdRefused(_ text: String) {
        #expect(throws: RegistryError.invalidValue(field: "pkd", value: text, rule: "must be a PKD 2007 code like 56.29.Z")) { try PKD(text) }
    }

    @Test("e-mail shape", arguments: [("biuro@cis.olsztyn.pl", true), ("a@b", false), ("a b@c.pl", false), ("@c.pl", false), ("a@@c.pl", false), ("a@c..pl", false)])
    func email(_ text: String, _ valid: Bool) {
        #expect(((try? EmailAddress(text)) != nil) == valid)
    }

    @Test("web address shape", arguments: [("https://cis.olsztyn.pl/o-nas", true), ("www.kgw.pl", true), ("http://", false), ("cis olsztyn.pl", false), ("localhost", false)])
    func www(_ text: String, _ valid: Bool) {
        #expect(((try? WebAddress(text)) != nil) == valid)
    }

    @Test("phone numbers", arguments: [("+48 89 523 00 00", true), ("(89) 523-00-00 wew. 12", true), ("brak", false), ("12", false)])
    func phone(_ text: String, _ valid: Bool) {
        #expect(((try? PhoneNumber(text)) != nil) == valid)
    }
}
