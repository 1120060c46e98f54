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
}

/// Standard input copied to a temporary file, removed when done.
struct SpooledInput {
    let path: String

    static func standardInput() throws -> SpooledInput {
        let path = NSTemporaryDirectory() + "registry-stdin-\(Identifier.make()).csv"
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let output = FileHandle(forWritingAtPath: path)
        else {
            throw RegistryError.cannotCreate(path: path, reason: "cannot spool standard input")
        }
        defer { try? output.close() }
        let input = FileHandle.standardInput
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw RegistryError.io(path: path, message: "cannot spool standard input: \(error.localizedDescription)")
        }
        return SpooledInput(path: path)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
