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

/// Standard input, or a pipe named by path (`<(…)`, `/dev/stdin`), copied to a private file with
/// no name in the temporary folder: the digest, the encoding check and the rows each read it from
/// its start (through `path`), and nothing is left behind however the import ends.
final class SpooledInput {
    /// A path that opens the copy, valid until `remove()`.
    let path: String
    /// What errors call the input: "standard input", or the pipe's path.
    let name: String
    private let descriptor: Int32

    private init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.path = PrivateFile.path(of: descriptor)
        self.name = name
    }

    deinit { close(descriptor) }

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
        let folder = NSTemporaryDirectory()
        let spool: SpooledInput
        do {
            spool = SpooledInput(descriptor: try PrivateFile.anonymous(in: folder), name: name)
        } catch RegistryError.cannotCreate(_, let reason) {
            throw RegistryError.cannotCreate(path: folder, reason: "cannot spool \(name): \(reason)")
        }
        let output = FileHandle(fileDescriptor: spool.descriptor, closeOnDealloc: false)
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            throw RegistryError.io(path: folder, message: "cannot spool \(name): \(error.localizedDescription)")
        }
        return spool
    }
}
