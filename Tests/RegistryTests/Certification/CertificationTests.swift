import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Certification")
struct CertificationTests {
    static func day(_ text: String) -> LocalDate {
        LocalDate(iso: text) ?? LocalDate(daysSinceEpoch: 0)
    }

    /// A registry with one social cooperative, created in 2019 so recorded times can follow the story.
    static func setUp() throws -> (TestRegistry, String) {
        let test = try TestRegistry(start: "2019-05-01T08:00:00Z")
        let entity = try test.registry.addEntity([.kind: "spoldzielnia-socjalna", .name: "Spółdzielnia Socjalna Warmianka",
                                                  .nip: "5260250274", .teryt: "2862011"])
        return (test, entity.id)
    }

    static func grant(_ test: TestRegistry, from: String = "2019-06-01", to: String? = nil) throws -> String {
        try test.registry.grantCertificate(entity: "5260250274", scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: day(from), validTo: to.map(day), decisionNo: "ZP/1/2019", issuer: "ROPS Olsztyn", scope: "catering")).id
    }

    static func holders(_ test: TestRegistry, on: String, recordedAt: String? = nil) throws -> [String] {
        try test.registry.holders(scheme: "zakup-prospoleczny", on: day(on), recordedAt: recordedAt).map(\.name)
    }

    @Test("zakup-prospoleczny from 2019-06-01 is valid to 2020-05-31 when no end is given")
    func derivedValidity() throws {
        let (test, _) = try Self.setUp()
        let id = try Self.grant(test)
        let certificate = try test.registry.certificate(id, on: Self.day("2019-06-01"))
        #expect(certificate.validFrom == Self.day("2019-06-01"))
        #expect(certificate.validTo == Self.day("2020-05-31"))
        #expect(certificate.state == .active)
    }

    @Test("a grant to a kind outside the scheme's list is refused with the eligible kinds")
    func eligibility() throws {
        let (test, _) = try Self.setUp()
        try test.registry.addEntity([.kind: "kgw", .name: "KGW Babki", .krs: "42"])
        #expect(throws: RegistryError.invalidValue(
            field: "scheme", value: "zakup-prospoleczny",
            rule: "cannot be granted to kind kgw (koło gospodyń wiejskich); eligible kinds: cis, fundacja, ngo, spoldzielnia-inwalidow, spoldzielnia-pracy, spoldzielnia-socjalna, spolka-non-profit, stowarzyszenie, zaz")) {
            try test.registry.grantCertificate(entity: "krs:42", scheme: "zakup-prospoleczny",
                                               details: CertificateDetails(validFrom: Self.day("2020-01-01"), scope: "x"))
        }
        #expect(try test.registry.database.scalarInt("SELECT count(*) FROM certificates") == 0)
    }

    @Test("a scoped scheme needs a scope; an unknown scheme is refused")
    func grantRules() throws {
        let (test, _) = try Self.setUp()
        #expect(throws: RegistryError.invalidValue(field: "scope", value: "", rule: "is required: zakup-prospoleczny covers named products or services")) {
            try test.registry.grantCertificate(entity: "5260250274", scheme: "zakup-prospoleczny", details: CertificateDetails(validFrom: Self.day("2020-01-01")))
        }
        #expect(throws: RegistryError.self) {
            try test.registry.grantCertificate(entity: "5260250274", scheme: "nie-ma", details: CertificateDetails(validFrom: Self.day("2020-01-01")))
        }
    }

    /// Every (state, event) pair, with what the state machine answers.
    static let transitions: [(CertificateState, CertificateEventType, Bool)] = [
        (.active, .renewed, true), (.active, .suspended, true), (.active, .reinstated, false), (.active, .revoked, true),
        (.suspended, .renewed, false), (.suspended, .suspended, false), (.suspended, .reinstated, true), (.suspended, .revoked, true),
        (.expired, .renewed, true), (.expired, .suspended, false), (.expired, .reinstated, false), (.expired, .revoked, false),
        (.revoked, .renewed, false), (.revoked, .suspended, false), (.revoked, .reinstated, false), (.revoked, .revoked, false),
    ]

    @Test("the state machine table", arguments: transitions)
    func table(_ state: CertificateState, _ event: CertificateEventType, _ allowed: Bool) {
        #expect((CertificateLifecycle.refusal(of: event, in: state, validTo: Self.day("2020-05-31")) == nil) == allowed)
        #expect(CertificateLifecycle.refusal(of: .granted, in: state, validTo: nil) != nil)
    }

    @Test("every transition through the registry: allowed ones are recorded, refused ones name the state and why", arguments: transitions)
    func transitionsThroughRegistry(_ state: CertificateState, _ event: CertificateEventType, _ allowed: Bool) throws {
        let (test, _) = try Self.setUp()
        let id = try Self.grant(test)
        // Bring the certificate into `state` on 2020-03-01 (it is valid 2019-06-01 – 2020-05-31).
        var date = Self.day("2020-03-01")
        switch state {
        case .active, .pending: break
        case .suspended: try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2020-02-01"))
        case .revoked: try test.registry.recordCertificateEvent(id, .revoked, on: Self.day("2020-02-01"))
        case .expired: date = Self.day("2020-07-01")
        }
        let details = CertificateDetails(validTo: Self.day("2021-05-31"))
        let before = try test.registry.database.scalarInt("SELECT count(*) FROM certificate_events")
        if allowed {
            let certificate = try test.registry.recordCertificateEvent(id, event, on: date, details: details)
            #expect(certificate.id == id)
            #expect(try test.registry.database.scalarInt("SELECT count(*) FROM certificate_events") == (before ?? 0) + 1)
        } else {
            let reason = CertificateLifecycle.refusal(of: event, in: state, validTo: Self.day("2020-05-31")) ?? ""
            #expect(throws: RegistryError.invalidTransition(certificate: id, state: state.rawValue, event: event.rawValue, reason: reason)) {
                try test.registry.recordCertificateEvent(id, event, on: date, details: details)
            }
            #expect(try test.registry.database.scalarInt("SELECT count(*) FROM certificate_events") == before)
        }
    }

    @Test("no event dated before the grant or before the latest event; a renewal must move the end")
    func dating() throws {
        let (test, _) = try Self.setUp()
        let id = try Self.grant(test)
        #expect(throws: RegistryError.invalidTransition(certificate: id, state: "not yet valid", event: "suspended", reason: "2019-05-01 is before the grant (2019-06-01)")) {
            try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2019-05-01"))
        }
        try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2019-09-01"))
        #expect(throws: RegistryError.self) {
            try test.registry.recordCertificateEvent(id, .reinstated, on: Self.day("2019-08-01"))
        }
        try test.registry.recordCertificateEvent(id, .reinstated, on: Self.day("2019-10-01"))
        #expect(throws: RegistryError.invalidTransition(certificate: id, state: "active", event: "renewed", reason: "a renewal must move the end of validity past 2020-05-31")) {
            try test.registry.recordCertificateEvent(id, .renewed, on: Self.day("2020-01-01"), details: CertificateDetails(validTo: Self.day("2020-05-01")))
        }
    }

    @Test("holders on a day across grant, suspension, reinstatement, renewal, revocation and expiry, first and last days included", arguments: [
        ("2019-05-31", false), ("2019-06-01", true), ("2019-12-31", true),
        ("2020-01-10", false), ("2020-01-31", false), ("2020-02-01", true),
        ("2020-05-31", true), ("2020-06-01", true), ("2021-03-31", true), ("2021-04-01", false), ("2021-05-31", false),
    ])
    func holdersAcrossBoundaries(_ date: String, _ held: Bool) throws {
        let (test, _) = try Self.setUp()
        let id = try Self.grant(test)
        try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2020-01-10"))
        try test.registry.recordCertificateEvent(id, .reinstated, on: Self.day("2020-02-01"))
        try test.registry.recordCertificateEvent(id, .renewed, on: Self.day("2020-05-20"), details: CertificateDetails(validTo: Self.day("2021-05-31")))
        try test.registry.recordCertificateEvent(id, .revoked, on: Self.day("2021-04-01"))
        #expect(try Self.holders(test, on: date) == (held ? ["Spółdzielnia Socjalna Warmianka"] : []))
        // The replay path (used for past knowledge) agrees with the periods cache.
        #expect(try Self.holders(test, on: date, recordedAt: "2100-01-01T00:00:00.000000Z") == (held ? ["Spółdzielnia Socjalna Warmianka"] : []))
    }

    @Test("expiry: the last valid day counts, the day after does not, without any job")
    func expiry() throws {
        let (test, _) = try Self.setUp()
        _ = try Self.grant(test)
        #expect(try Self.holders(test, on: "2020-05-31") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try Self.holders(test, on: "2020-06-01").isEmpty)
    }

    @Test("recorded-at: before a correction the registry said one thing, after it another; the old record stays")
    func recordedAt() throws {
        let (test, _) = try Self.setUp()
        test.clock.set("2019-05-20T10:00:00Z")
        let id = try Self.grant(test, from: "2019-06-01", to: "2019-12-31")
        test.clock.set("2020-02-01T10:00:00Z")
        try test.registry.correctCertificate(id, details: CertificateDetails(validTo: Self.day("2020-05-31"), reason: "błędna data w decyzji"))
        // On 2020-01-15: the registry knew (until 2020-02-01) that the licence ended 2019-12-31.
        #expect(try Self.holders(test, on: "2020-01-15", recordedAt: "2020-01-31T23:59:59.999999Z").isEmpty)
        #expect(try Self.holders(test, on: "2020-01-15", recordedAt: "2020-02-01T10:00:00.000000Z") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try Self.holders(test, on: "2020-01-15") == ["Spółdzielnia Socjalna Warmianka"])
        let history = try #require(try test.registry.certificateHistory(id).first)
        #expect(history.events.map(\.type) == [.granted, .corrected])
        #expect(history.superseded == [history.events[0].id])
        #expect(history.events[1].corrects == history.events[0].id)
        #expect(try test.registry.certificate(id, recordedAt: "2020-01-01T00:00:00.000000Z").validTo == Self.day("2019-12-31"))
    }

    @Test("a correction that would break the state machine is refused")
    func badCorrection() throws {
        let (test, _) = try Self.setUp()
        let id = try Self.grant(test)
        try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2020-03-01"))
        // Moving the end of validity before the suspension would make it a suspension of an expired certificate.
        let grant = try #require(try test.registry.certificateHistory(id).first?.events.first?.id)
        #expect(throws: RegistryError.self) {
            try test.registry.correctCertificate(id, event: grant, details: CertificateDetails(validTo: Self.day("2020-01-31")))
        }
    }

    @Test("certificates and their events are append-only for any client: their triggers refuse, foreign keys or not", arguments: [
        ("UPDATE certificates SET scheme_code = 'status-cis'", "certificates are append-only"),
        ("UPDATE certificates SET entity_id = 'x'", "certificates are append-only"),
        ("DELETE FROM certificates", "certificates are append-only"),
        ("UPDATE certificate_events SET valid_to = '2030-01-01'", "certificate_events is append-only"),
        ("DELETE FROM certificate_events", "certificate_events is append-only"),
    ])
    func appendOnly(_ sql: String, _ message: String) throws {
        let (test, _) = try Self.setUp()
        _ = try Self.grant(test)
        let database = test.registry.database
        let before = try database.dump()
        #expect(try database.refusalWithoutForeignKeys(sql) == message)
        #expect(throws: DatabaseError.self) { try database.execute(sql) }
        #expect(try database.dump() == before)
    }

    @Test("every certificate event is in the audit log, and the chain verifies")
    func audited() throws {
        let (test, entityID) = try Self.setUp()
        let id = try Self.grant(test)
        try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2020-01-10"), details: CertificateDetails(reason: "kontrola"))
        try test.registry.correctCertificate(id, details: CertificateDetails(reason: "kontrola ROPS"))
        let actions = try test.registry.auditEntries(AuditFilter(objectID: entityID)).map(\.action)
        #expect(actions == ["entity.add", "certificate.granted", "certificate.suspended", "certificate.corrected"])
        #expect(try test.registry.verifyAudit().isIntact)
    }

    @Test("expiring lists certificates held today that end soon")
    func expiring() throws {
        let (test, _) = try Self.setUp()
        _ = try Self.grant(test, from: "2019-06-01")
        test.clock.set("2020-05-10T10:00:00Z")
        #expect(try test.registry.expiring(within: 30).map(\.certificate.validTo) == [Self.day("2020-05-31")])
        #expect(try test.registry.expiring(within: 10).isEmpty)
    }

    @Test("query --holds lists entities holding a valid certificate on the day")
    func queryHolds() throws {
        let (test, _) = try Self.setUp()
        _ = try Self.grant(test)
        try test.registry.addEntity([.kind: "cis", .name: "CIS bez znaku", .teryt: "2862011"])
        func holders(_ day: String) throws -> [String] {
            var query = EntityQuery()
            query.holds = "zakup-prospoleczny"
            query.on = Self.day(day)
            var names: [String] = []
            try test.registry.query(query) { names.append($0.fields.name) }
            return names
        }
        // The registry learned of both entities in 2019, so `--on` days after that see them.
        #expect(try holders("2019-12-01") == ["Spółdzielnia Socjalna Warmianka"])
        #expect(try holders("2020-06-01").isEmpty)
    }

    @Test("certificate scopes are searchable")
    func scopeSearch() throws {
        let (test, _) = try Self.setUp()
        _ = try Self.grant(test)
        var found: [String] = []
        try test.registry.search("catering") { entity, _ in found.append(entity.fields.name) }
        #expect(found == ["Spółdzielnia Socjalna Warmianka"])
    }
}
