import Foundation
import SQLiteStore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Database {
    /// Writes a consistent copy of the database to `destination` (VACUUM INTO), even while others
    /// write. `destination` must not exist and must not be one of this database's files. The copy
    /// is made as a private file (0600) beside it, checked by `verify`, and only then given its
    /// name; whatever fails, nothing is left at `destination` or beside it.
    public func writeCopy(to destination: String, verify: (String) throws -> Void = { _ in }) throws {
        try RegistryFiles(databasePath: path).refuseOverwrite(by: destination)
        var info = stat()
        if lstat(destination, &info) == 0 {
            throw RegistryError.cannotCreate(path: destination, reason: "the file exists; choose a new name")
        }
        let temporary = PrivateFile.temporaryName(beside: destination)
        let descriptor: Int32
        do {
            descriptor = try PrivateFile.create(temporary)
        } catch RegistryError.cannotCreate(_, let reason) {
            throw RegistryError.cannotCreate(path: destination, reason: reason)
        }
        defer {
            close(descriptor)
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        // VACUUM INTO fills the empty file made above, which keeps its mode.
        try RegistryError.mapping { try cached("VACUUM INTO ?").execute([.text(temporary)]) }
        try verify(temporary)
        guard fsync(descriptor) == 0 else { throw AtomicFile.writeError(path: destination) }
        guard link(temporary, destination) == 0 else {
            let reason = errno == EEXIST ? "the file exists; choose a new name" : PrivateFile.lastError
            throw RegistryError.cannotCreate(path: destination, reason: reason)
        }
        AtomicFile.syncFolder(of: destination)
    }
}
