import Foundation
import Testing
@testable import Registry
import SQLiteStore

/// The certificate rules at the door: only for days the holder exists, no overlapping certificate
/// of the same scheme and scope; and a certificate counts as held only on days its holder exists.
@Suite("Certificate door rules")
struct CertificateDoorTests {
    static func day(_ text: String) -> LocalDate { CertificationTests.day(text) }
    static let name = "Spółdzielnia Socjalna Warmianka"

    static func grant(_ test: TestRegistry, from: String, to: String? = nil, scope: String = "catering") throws -> String {
        try test.registry.grantCertificate(entity: "5260250274", scheme: "zakup-prospoleczny", details: CertificateDetails(
            validFrom: day(from), validTo: to.map(day), decisionNo: "ZP/1/2019", issuer: "ROPS Olsztyn", scope: scope)).id
    }

    static func count(_ test: TestRegistry, _ table: String) throws -> Int? {
        try test.registry.database.scalarInt("SELECT count(*) FROM \(table)")
    }

    @Test("Entity.exists(on:): from the founding date, or the Polish day first recorded, to the day before closing")
    func lifespan() throws {
        // 22:30 UTC on 1 May is 00:30 on 2 May in Warsaw.
        let test = try TestRegistry(start: "2019-05-01T22:30:00Z")
        let unfounded = try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja A", .krs: "41"])
        #expect(unfounded.lifespanStart == Self.day("2019-05-02"))
        #expect(!unfounded.exists(on: Self.day("2019-05-01")))
        #expect(unfounded.exists(on: Self.day("2019-05-02")))
        let founded = try test.registry.addEntity([.kind: "fundacja", .name: "Fundacja B", .krs: "42", .foundedOn: "2010-03-01"])
        let closed = try test.registry.closeEntity(founded.id, on: Self.day("2015-01-01"))
        #expect(closed.lifespanStart == Self.day("2010-03-01"))
        #expect(!closed.exists(on: Self.day("2010-02-28")))
        #expect(closed.exists(on: Self.day("2010-03-01")))
        #expect(closed.exists(on: Self.day("2014-12-31")))
        #expect(!closed.exists(on: Self.day("2015-01-01")))
    }

    @Test("a grant before the holder was recorded (no founding date) or founded is refused; nothing is written")
    func grantBeforeExisting() throws {
        let (test, entityID) = try CertificationTests.setUp()
        #expect(throws: RegistryError.invalidValue(
            field: "valid_from", value: "2019-04-30",
            rule: "a certificate cannot be granted for a day its holder does not exist; entity \(entityID) does not exist on 2019-04-30: it has no founding date and was first recorded on 2019-05-01")) {
            try Self.grant(test, from: "2019-04-30")
        }
        try test.registry.updateEntity(entityID, [.foundedOn: "01.03.2019"])
        #expect(throws: RegistryError.invalidValue(
            field: "valid_from", value: "2019-02-28",
            rule: "a certificate cannot be granted for a day its holder does not exist; entity \(entityID) does not exist on 2019-02-28: it was founded on 2019-03-01")) {
            try Self.grant(test, from: "2019-02-28")
        }
        #expect(try Self.count(test, "certificates") == 0)
        #expect(try Self.count(test, "certificate_events") == 0)
        // The founding day itself is a day it exists.
        let id = try Self.grant(test, from: "2019-03-01")
        #expect(try test.registry.certificate(id).validFrom == Self.day("2019-03-01"))
    }

    @Test("a grant from the closing day on is refused; the day before is accepted")
    func grantAfterClosing() throws {
        let (test, entityID) = try CertificationTests.setUp()
        try test.registry.closeEntity(entityID, on: Self.day("2020-01-01"))
        #expect(throws: RegistryError.invalidValue(
            field: "valid_from", value: "2020-01-01",
            rule: "a certificate cannot be granted for a day its holder does not exist; entity \(entityID) does not exist on 2020-01-01: it closed on 2020-01-01 (its first day closed)")) {
            try Self.grant(test, from: "2020-01-01")
        }
        #expect(try Self.count(test, "certificates") == 0)
        _ = try Self.grant(test, from: "2019-12-31")
        #expect(try Self.count(test, "certificates") == 1)
    }

    @Test("a renewal or reinstatement on a day the holder no longer exists is refused; nothing is written")
    func renewAndReinstateAfterClosing() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let renewed = try Self.grant(test, from: "2019-06-01")
        let reinstated = try Self.grant(test, from: "2019-06-01", scope: "sprzątanie")
        try test.registry.recordCertificateEvent(reinstated, .suspended, on: Self.day("2019-09-01"))
        try test.registry.closeEntity(entityID, on: Self.day("2020-03-01"))
        let events = try Self.count(test, "certificate_events")
        #expect(throws: RegistryError.invalidValue(
            field: "effective_on", value: "2020-03-01",
            rule: "certificate \(renewed) cannot be renewed for a day its holder does not exist; entity \(entityID) does not exist on 2020-03-01: it closed on 2020-03-01 (its first day closed)")) {
            try test.registry.recordCertificateEvent(renewed, .renewed, on: Self.day("2020-03-01"), details: CertificateDetails(validTo: Self.day("2021-05-31")))
        }
        #expect(throws: RegistryError.invalidValue(
            field: "effective_on", value: "2020-04-01",
            rule: "certificate \(reinstated) cannot be reinstated for a day its holder does not exist; entity \(entityID) does not exist on 2020-04-01: it closed on 2020-03-01 (its first day closed)")) {
            try test.registry.recordCertificateEvent(reinstated, .reinstated, on: Self.day("2020-04-01"))
        }
        #expect(try Self.count(test, "certificate_events") == events)
        // The day before closing the holder still exists.
        try test.registry.recordCertificateEvent(renewed, .renewed, on: Self.day("2020-02-29"), details: CertificateDetails(validTo: Self.day("2021-05-31")))
        try test.registry.recordCertificateEvent(reinstated, .reinstated, on: Self.day("2020-02-29"))
        #expect(try Self.count(test, "certificate_events") == (events ?? 0) + 2)
    }

    @Test("a renewal or reinstatement before the holder was founded is refused")
    func renewAndReinstateBeforeFounding() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let id = try Self.grant(test, from: "2019-06-01")
        try test.registry.recordCertificateEvent(id, .suspended, on: Self.day("2019-07-01"))
        // The founding date learnt later lies after the suspension.
        test.clock.set("2019-10-01T10:00:00Z")
        try test.registry.updateEntity(entityID, [.foundedOn: "01.09.2019"], reason: "data z KRS")
        #expect(throws: RegistryError.invalidValue(
            field: "effective_on", value: "2019-08-01",
            rule: "certificate \(id) cannot be reinstated for a day its holder does not exist; entity \(entityID) does not exist on 2019-08-01: it was founded on 2019-09-01")) {
            try test.registry.recordCertificateEvent(id, .reinstated, on: Self.day("2019-08-01"))
        }
    }

    @Test("a correction moving a grant before the founding date is refused")
    func correctionBeforeFounding() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let id = try Self.grant(test, from: "2019-06-01")
        #expect(throws: RegistryError.invalidValue(
            field: "valid_from", value: "2019-04-01",
            rule: "certificate \(id) cannot be granted for a day its holder does not exist; entity \(entityID) does not exist on 2019-04-01: it has no founding date and was first recorded on 2019-05-01")) {
            try test.registry.correctCertificate(id, details: CertificateDetails(validFrom: Self.day("2019-04-01")))
        }
        #expect(try Self.count(test, "certificate_events") == 1)
    }

    @Test("an imported grant or renewal for a day the holder does not exist is a rejected row naming record, column and rule")
    func importedRows() throws {
        let (test, entityID) = try CertificationTests.setUp()
        try test.registry.closeEntity(entityID, on: Self.day("2020-03-01"))
        let file = test.directory.write("cert.csv", """
            NIP;Znak;Zdarzenie;Data;Ważny od;Ważny do;Zakres
            5260250274;zakup-prospoleczny;przyznanie;;30.04.2019;;catering
            5260250274;zakup-prospoleczny;przyznanie;;01.06.2019;;catering
            5260250274;zakup-prospoleczny;renewed;01.03.2020;;31.05.2021;

            """)
        let report = try test.registry.importFile(file, options: ImportOptions(target: .certificates, onError: .skip))
        #expect((report.inserted, report.rejected) == (1, 2))
        let id = try #require(try test.registry.certificateHistory(entityID).first?.certificate.id)
        #expect(report.errors == [
            RecordProblem(record: 1, line: 2, column: "Ważny od", value: "2019-04-30", message:
                "a certificate cannot be granted for a day its holder does not exist; entity \(entityID) does not exist on 2019-04-30: it has no founding date and was first recorded on 2019-05-01"),
            RecordProblem(record: 3, line: 4, column: "Data", value: "2020-03-01", message:
                "certificate \(id) cannot be renewed for a day its holder does not exist; entity \(entityID) does not exist on 2020-03-01: it closed on 2020-03-01 (its first day closed)"),
        ])
        #expect(try Self.count(test, "certificate_events") == 1)
    }

    @Test("a second certificate overlapping one of the same scheme and scope is refused, naming it; nothing is written")
    func overlapRefused() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let first = try Self.grant(test, from: "2019-06-01")
        #expect(throws: RegistryError.invalidValue(
            field: "validity", value: "2020-01-01 to 2020-12-31",
            rule: "overlaps certificate \(first) of zakup-prospoleczny held by entity \(entityID) with the same scope \"catering\", valid 2019-06-01 to 2020-05-31; renew or correct that certificate instead")) {
            try Self.grant(test, from: "2020-01-01")
        }
        // Its last day overlapping is enough.
        #expect(throws: RegistryError.self) { try Self.grant(test, from: "2020-05-31") }
        // So is a second one inside it, ending before it.
        #expect(throws: RegistryError.self) { try Self.grant(test, from: "2019-07-01", to: "2019-08-01") }
        #expect(try Self.count(test, "certificates") == 1)
        #expect(try Self.count(test, "certificate_events") == 1)
    }

    @Test("no scope on either counts as the same scope; an open-ended validity overlaps every later day")
    func overlapWithoutScope() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let first = try test.registry.grantCertificate(
            entity: entityID, scheme: "przedsiebiorstwo-spoleczne", details: CertificateDetails(validFrom: Self.day("2019-06-01"))).id
        #expect(throws: RegistryError.invalidValue(
            field: "validity", value: "2025-01-01, open-ended",
            rule: "overlaps certificate \(first) of przedsiebiorstwo-spoleczne held by entity \(entityID) with no scope either, valid 2019-06-01, open-ended; renew or correct that certificate instead")) {
            try test.registry.grantCertificate(
                entity: entityID, scheme: "przedsiebiorstwo-spoleczne", details: CertificateDetails(validFrom: Self.day("2025-01-01")))
        }
        #expect(try Self.count(test, "certificates") == 1)
    }

    @Test("a second certificate after the first ends, or with another scope, is accepted")
    func noOverlapAccepted() throws {
        let (test, _) = try CertificationTests.setUp()
        let first = try Self.grant(test, from: "2019-06-01")
        let next = try Self.grant(test, from: "2020-06-01")
        let other = try Self.grant(test, from: "2020-01-01", scope: "sprzątanie")
        #expect(Set([first, next, other]).count == 3)
        #expect(try Self.count(test, "certificates") == 3)
    }

    @Test("a revoked certificate's validity ends the day before its revocation")
    func revokedEndsValidity() throws {
        let (test, _) = try CertificationTests.setUp()
        let first = try Self.grant(test, from: "2019-06-01")
        try test.registry.recordCertificateEvent(first, .revoked, on: Self.day("2019-10-01"))
        #expect(throws: RegistryError.invalidValue(
            field: "validity", value: "2019-09-30 to 2020-09-29",
            rule: "overlaps certificate \(first) of zakup-prospoleczny held by entity \(try test.registry.resolveEntity("5260250274")) with the same scope \"catering\", valid 2019-06-01 to 2019-09-30; renew or correct that certificate instead")) {
            try Self.grant(test, from: "2019-09-30")
        }
        _ = try Self.grant(test, from: "2019-10-01")
        #expect(try Self.count(test, "certificates") == 2)
    }

    @Test("a renewal stretching a certificate over the next one of the same scope is refused")
    func renewalOverlap() throws {
        let (test, entityID) = try CertificationTests.setUp()
        let first = try Self.grant(test, from: "2019-06-01")
        let next = try Self.grant(test, from: "2020-06-01")
        #expect(throws: RegistryError.invalidValue(
            field: "validity", value: "2019-06-01 to 2020-12-31",
            rule: "overlaps certificate \(next) of zakup-prospoleczny held by entity \(entityID) with the same scope \"catering\", valid 2020-06-01 to 2021-05-31; renew or correct that certificate instead")) {
            try test.registry.recordCertificateEvent(first, .renewed, on: Self.day("2020-05-01"), details: CertificateDetails(validTo: Self.day("2020-12-31")))
        }
        #expect(try Self.count(test, "certificate_events") == 2)
    }

    @Test("holders: not on the holder's closing day or later, as known now; as known before the closing was recorded, still held")
    func holdersAfterClosing() throws {
        let (test, entityID) = try CertificationTests.setUp()
        _ = try Self.grant(test, from: "2019-06-01")
        test.clock.set("2020-02-01T10:00:00Z")
        try test.registry.closeEntity(entityID, on: Self.day("2020-01-01"))
        for recordedAt in [nil, "2100-01-01T00:00:00.000000Z"] {
            #expect(try CertificationTests.holders(test, on: "2019-12-31", recordedAt: recordedAt) == [Self.name])
            #expect(try CertificationTests.holders(test, on: "2020-01-01", recordedAt: recordedAt) == [])
            #expect(try CertificationTests.holders(test, on: "2020-05-31", recordedAt: recordedAt) == [])
        }
        // Until the closing was recorded the registry knew the holder as open.
        #expect(try CertificationTests.holders(test, on: "2020-01-15", recordedAt: "2020-01-31T23:59:59.999999Z") == [Self.name])
    }

    @Test("holders: not before the founding date learnt later, on both paths; as known before it was learnt, held")
    func holdersBeforeFounding() throws {
        let (test, entityID) = try CertificationTests.setUp()
        _ = try Self.grant(test, from: "2019-06-01")
        test.clock.set("2019-09-10T10:00:00Z")
        try test.registry.updateEntity(entityID, [.foundedOn: "01.08.2019"])
        for recordedAt in [nil, "2100-01-01T00:00:00.000000Z"] {
            #expect(try CertificationTests.holders(test, on: "2019-07-31", recordedAt: recordedAt) == [])
            #expect(try CertificationTests.holders(test, on: "2019-08-01", recordedAt: recordedAt) == [Self.name])
        }
        #expect(try CertificationTests.holders(test, on: "2019-07-31", recordedAt: "2019-09-01T00:00:00.000000Z") == [Self.name])
    }

    @Test("holders: with no founding date, not before the Polish day the holder was first recorded, on both paths")
    func holdersBeforeRecorded() throws {
        // 22:30 UTC on 1 May is 00:30 on 2 May in Warsaw: the holder exists from 2 May.
        let test = try TestRegistry(start: "2019-05-01T22:30:00Z")
        let entity = try test.registry.addEntity([.kind: "spoldzielnia-socjalna", .name: Self.name, .nip: "5260250274",
                                                  .teryt: "2862011", .foundedOn: "2019-04-01"])
        _ = try Self.grant(test, from: "2019-04-15")
        test.clock.set("2019-06-01T10:00:00Z")
        try test.registry.updateEntity(entity.id, [.foundedOn: ""], reason: "data niepewna")
        for recordedAt in [nil, "2100-01-01T00:00:00.000000Z"] {
            #expect(try CertificationTests.holders(test, on: "2019-05-01", recordedAt: recordedAt) == [])
            #expect(try CertificationTests.holders(test, on: "2019-05-02", recordedAt: recordedAt) == [Self.name])
        }
    }
}
