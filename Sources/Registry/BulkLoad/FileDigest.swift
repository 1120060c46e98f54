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
    final class Background {
        private let worker: BackgroundWorker<Never, String>
        private let path: String
        private var digest: String?

        /// Starts hashing the file at `path`.
        init(path: String) {
            self.path = path
            worker = BackgroundWorker(name: "registry-file-digest") { port in
                _ = port.send(try FileDigest.sha256(path: path))
            }
        }

        /// Waits for the digest; throws what `sha256(path:)` would have thrown.
        func value() throws -> String {
            if let digest { return digest }
            // The body sends the digest or throws, so the thread cannot end without either.
            guard let received = try worker.receive() else { throw RegistryError.io(path: path, message: "the digest thread ended without a digest") }
            digest = received
            return received
        }
    }
}
