import Crypto
import Foundation

/// SHA-256 of a file, read in chunks so memory stays flat for large files.
enum FileDigest {
    static func sha256(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.fileNotFound(path: path)
        }
        var hasher = SHA256()
        let chunks = ChunkReader(handle, path: path, size: 1 << 20)
        while case let chunk = try chunks.next(), !chunk.isEmpty {
            hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
        }
        return hasher.finalize().hexString
    }

    /// The SHA-256 of a file computed on a thread of its own, so that the encoding check (`--encoding
    /// auto`), the import's other pass over the file before its first row, runs on the other core.
    final class Background: @unchecked Sendable {
        private let condition = NSCondition()
        // Guarded by `condition`.
        private var result: Result<String, any Error>?

        /// Starts hashing the file at `path`.
        init(path: String) {
            let thread = Thread { [self] in
                let result = Result { try FileDigest.sha256(path: path) }
                condition.lock()
                self.result = result
                condition.broadcast()
                condition.unlock()
            }
            thread.name = "registry-file-digest"
            thread.start()
        }

        /// Waits for the digest; throws what `sha256(path:)` would have thrown.
        func value() throws -> String {
            condition.lock()
            defer { condition.unlock() }
            while true {
                if let result { return try result.get() }
                condition.wait()
            }
        }
    }
}

/// Standard input, or a pipe named by path (`<(…)`, `/dev/stdin`), copied to a temporary file,
/// removed when done: the digest, the encoding check and the rows each read the file from its start.
struct SpooledInput {
    let path: String
    /// What errors call the input: "standard input", or the pipe's path.
    let name: String

    /// A copy of `path` when it is `-` or a pipe (which can be read only once); nil for anything else.
    static func ifNeeded(_ path: String) throws -> SpooledInput? {
        if path == "-" { return try copy(FileHandle.standardInput, named: "standard input") }
        var info = stat()
        // Anything else, or a path that cannot be examined or opened, is read as it was before
        // spooling existed: the digest and the reader report what is wrong with it.
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFIFO,
              let input = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? input.close() }
        return try copy(input, named: path)
    }

    private static func copy(_ input: FileHandle, named name: String) throws -> SpooledInput {
        let path = NSTemporaryDirectory() + "registry-spool-\(Identifier.make()).csv"
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let output = FileHandle(forWritingAtPath: path)
        else {
            try? FileManager.default.removeItem(atPath: path)  // if it was created
            throw RegistryError.cannotCreate(path: path, reason: "cannot spool \(name)")
        }
        defer { try? output.close() }
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw RegistryError.io(path: path, message: "cannot spool \(name): \(error.localizedDescription)")
        }
        return SpooledInput(path: path, name: name)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
