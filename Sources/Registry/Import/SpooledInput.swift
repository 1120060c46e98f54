import Foundation

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
            let (descriptor, named) = try PrivateFile.temporary(beside: folder + "/registry-spool", mode: 0o600)
            // Readers open it through /proc/self/fd: a name it had to be given can go at once.
            if let named { unlink(named) }
            spool = SpooledInput(descriptor: descriptor, name: name)
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
