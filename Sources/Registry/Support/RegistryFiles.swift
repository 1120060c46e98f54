import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files that make up a registry on disk: the database and the companions SQLite and the
/// registry keep beside it. No output may be written over any of them.
struct RegistryFiles {
    /// The suffixes of the companions: SQLite's WAL, its index and rollback journal, and the
    /// scratch file a first import builds its search index in.
    static let companionSuffixes = ["-wal", "-shm", "-journal", SearchBuild.scratchSuffix]

    /// The database's path as given and with its links followed (SQLite keeps companions beside
    /// the real file), each with its companions.
    let paths: [String]

    init(databasePath: String) {
        var bases = [databasePath]
        let real = AtomicFile.resolved(databasePath)
        if real != databasePath { bases.append(real) }
        paths = bases.flatMap { base in [base] + Self.companionSuffixes.map { base + $0 } }
    }

    /// Refuses `output` when it is the registry or one of its companions: the same device and
    /// inode where both exist, else the same path once the folders' links are followed.
    func refuseOverwrite(by output: String) throws {
        let outputFile = FileIdentity(path: output)
        let outputPath = Self.canonical(output)
        for path in paths {
            let same: Bool
            if let outputFile, let file = FileIdentity(path: path) {
                same = outputFile == file
            } else {
                same = outputPath == Self.canonical(path)
            }
            if same {
                throw RegistryError.cannotCreate(
                    path: output, reason: "it is the registry's own file \(paths[0])"
                        + (path == paths[0] ? "" : " (its companion \(path))") + "; write the output elsewhere")
            }
        }
    }

    /// The registry's file (or companion) an open descriptor writes into, if any.
    func file(openAs descriptor: Int32) -> String? {
        guard let output = FileIdentity(descriptor: descriptor) else { return nil }
        return paths.first { FileIdentity(path: $0) == output }
    }

    /// `path` as an absolute path with the folder's links followed (the file itself need not exist).
    static func canonical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let folder = (absolute as NSString).deletingLastPathComponent
        let name = (absolute as NSString).lastPathComponent
        return (AtomicFile.resolved(folder) as NSString).appendingPathComponent(name)
    }
}
