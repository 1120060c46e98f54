import Foundation
import Testing
@testable import Registry
import SQLiteStore

@Suite("Registry migrations and the SQLite layer's errors")
struct RegistryMigrationsTests {
    @Test("the list of migrations with their data steps names every shipped SQL file, in order, and no other")
    func listMatchesShippedFiles() {
        #expect(RegistryMigrations.files.map(\.name) == Migration.shipped.map(\.fileName))
        let withSteps = RegistryMigrations.files.filter { $0.dataStep != nil }.map(\.name)
        #expect(withSteps == ["0007_search_norms.sql", "0009_search_ascii_tokens.sql", "0010_valid_time.sql"])
    }

    @Test("a journal only a writer may roll back, met by a reader that cannot write either, is named with what to do")
    func interruptedWriteMessage() {
        let path = "/tmp/m.sqlite"
        #expect(RegistryError(DatabaseError.rollbackNeedsWriter(path: path)) == .cannotCreate(
            path: path, reason: "an interrupted import left \(path)-journal, which only a "
                + "connection allowed to write the registry and its folder can roll back: run `registry migrate` as such a user"))
        #expect(RegistryError(DatabaseError.readOnly(path: path, extendedCode: 8, message: "x"))
            == .cannotCreate(path: path, reason: "the database is read-only (x)"))
    }

    @Test("the SQLite layer's failures read as the registry's errors always did")
    func mapping() {
        let path = "/tmp/r.sqlite"
        #expect(RegistryError(DatabaseError.busy(code: 5, extendedCode: 5, message: "database is locked", sql: nil))
            == .busy(message: "database is locked"))
        #expect(RegistryError(DatabaseError.diskFull(path: path, message: "database or disk is full", sql: "x"))
            == .io(path: path, message: "disk full: database or disk is full"))
        #expect(RegistryError(DatabaseError.notRegularFile(path: path, kind: "a directory"))
            == .cannotOpen(path: path, reason: "it is a directory, not a registry file"))
        #expect(RegistryError(DatabaseError.unreadable(path: path, reason: "Permission denied"))
            == .cannotOpen(path: path, reason: "it cannot be read (Permission denied)"))
        #expect(RegistryError(DatabaseError.notWritable(path: path, reason: "Permission denied"))
            == .cannotCreate(path: path, reason: "the database is read-only for this user (Permission denied)"))
        #expect(RegistryError(DatabaseError.notFound(path: path)) == .fileNotFound(path: path))
        #expect(RegistryError(DatabaseError.brokenReferences(migration: 3, violations: ["a row 1 → b"]))
            == .integrity(["migration 3 leaves broken references: ", "a row 1 → b"]))
    }
}
