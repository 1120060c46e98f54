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
