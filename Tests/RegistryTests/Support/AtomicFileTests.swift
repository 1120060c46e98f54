import Foundation
import Testing
@testable import Registry

@Suite("Outputs are complete or absent", .serialized)
struct AtomicFileTests {
    static func listing(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a file is put in place only at commit, replacing the old one; a discarded one leaves nothing",
          arguments: [true, false])
    func commitAndDiscard(unnamed: Bool) throws {
        AtomicFile.usesUnnamedFiles = unnamed
        defer { AtomicFile.usesUnnamedFiles = true }
        let directory = TemporaryDirectory()
        let path = directory.file("out.csv")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("old\n".utf8)))
        chmod(path, 0o600)
        let dropped = try AtomicFile(path: path)
        #expect(write(dropped.descriptor, "partial", 7) == 7)
        dropped.discard()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try Self.listing(directory.path) == ["out.csv"])
        let kept = try AtomicFile(path: path)
        #expect(write(kept.descriptor, "new\n", 4) == 4)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n", "in place before the commit")
        try kept.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try Self.listing(directory.path) == ["out.csv"])
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600, "a replaced file keeps its mode")
        // A new file takes the umask.
        let fresh = directory.file("fresh.csv")
        let mask = umask(0o022)
        defer { umask(mask) }
        let created = try AtomicFile(path: fresh)
        try created.commit()
        #expect(stat(fresh, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
    }
}
