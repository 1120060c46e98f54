import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written completely or not at all: the bytes go to a file with no name in the target's
/// folder, which takes the target's name (replacing what was there) only when `commit` has
/// flushed it to disk. A failure, a kill or a power cut leaves the previous file as it was and no
/// partial file behind.
///
/// A target that exists and is not a regular file (`/dev/stdout`, a pipe) cannot be replaced:
/// it is written directly.
final class AtomicFile {
    /// The path the caller named, for messages.
    let path: String
    /// Where the data goes: the target itself when it is a device or a pipe.
    let descriptor: Int32
    /// The file to replace (a link named as the target is followed); nil when writing directly.
    private let target: String?
    private var done = false

    /// Opens a new file for `path`; `mode` (less the umask) is what the finished file gets.
    init(path: String, mode: mode_t = 0o666) throws {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            guard info.st_mode & S_IFMT != S_IFDIR else {
                throw RegistryError.cannotCreate(path: path, reason: "it is a directory")
            }
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw RegistryError.cannotCreate(path: path, reason: PrivateFile.lastError) }
            self.descriptor = descriptor
            self.target = nil
            return
        }
        // A link named as the output is followed, as writing through it would.
        let target = Self.resolved(path)
        let folder = (target as NSString).deletingLastPathComponent
        do {
            descriptor = try PrivateFile.anonymous(in: folder.isEmpty ? "." : folder, mode: 0o600)
        } catch RegistryError.cannotCreate(_, let reason) {
            throw RegistryError.cannotCreate(path: path, reason: reason)
        }
        self.target = target
        // The mode the finished file gets: what a plain open would have given it.
        let mask = umask(0)
        umask(mask)
        fchmod(descriptor, mode & ~mask)
    }

    deinit {
        if !done { close(descriptor) }
    }

    /// Flushes the file to disk and gives it the target's name.
    func commit() throws {
        guard !done else { return }
        done = true
        defer { close(descriptor) }
        guard let target else { return }
        guard fsync(descriptor) == 0 else { throw Self.writeError(path: path) }
        let temporary = PrivateFile.temporaryName(beside: target)
        // The unnamed file gets a name of its own, then takes the target's in one step.
        guard linkat(AT_FDCWD, PrivateFile.path(of: descriptor), AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 else {
            throw RegistryError.cannotCreate(path: path, reason: PrivateFile.lastError)
        }
        guard rename(temporary, target) == 0 else {
            let reason = PrivateFile.lastError
            unlink(temporary)
            throw RegistryError.cannotCreate(path: path, reason: reason)
        }
        Self.syncFolder(of: target)
    }

    /// Gives up: the file is dropped and the target stays as it was.
    func discard() {
        guard !done else { return }
        done = true
        close(descriptor)
    }

    /// `path` with its links followed, as far as they exist.
    static func resolved(_ path: String) -> String {
        if let real = realpath(path, nil) {
            defer { free(real) }
            return String(cString: real)
        }
        return path
    }

    /// Makes a new name in the folder survive a power cut (best effort: not every file system can).
    static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// A failed write or sync, as the registry reports it (disk full names itself).
    static func writeError(path: String) -> RegistryError {
        let code = errno
        let message = String(cString: strerror(code))
        return .io(path: path, message: code == ENOSPC || code == EDQUOT
                   ? "disk full: cannot write: \(message)" : "cannot write: \(message)")
    }
}
