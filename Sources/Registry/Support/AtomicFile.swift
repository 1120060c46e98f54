import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written completely or not at all: the bytes go to a file with no name in the target's
/// folder, which takes the target's name (replacing what was there) only when `commit` has
/// flushed it to disk. A failure, a kill or a power cut leaves the previous file as it was and no
/// partial file behind. Where the file system cannot make a file with no name, a hidden named
/// one is used (`.NAME.<id>.tmp`, removed on failure; only a kill can leave it).
///
/// A target that is not a regular file (a device, a pipe, `/dev/stdout`) cannot be replaced: it
/// is written directly.
final class AtomicFile {
    /// The path the caller named, for messages.
    let path: String
    /// Where the data goes: the target itself when it is a device or a pipe.
    let descriptor: Int32
    /// The file to replace (a link named as the target is followed); nil when writing directly.
    private let target: String?
    /// The hidden named file, where no unnamed one could be made.
    private let temporaryPath: String?
    private var synced = false
    private var done = false
    /// Off in tests, to take the path of file systems that cannot make a file with no name.
    nonisolated(unsafe) static var usesUnnamedFiles = true

    /// Opens a new file for `path`; `mode` (less the umask) is what a new file gets. A file that
    /// is replaced keeps its mode and owner, and one the user may not write is refused.
    init(path: String, mode: mode_t = 0o666) throws {
        self.path = path
        // /dev/stdout, /dev/fd/N and the like name a descriptor this process already has: write to
        // it, not to the file it may be redirected to, which would be replaced whole.
        if let inherited = Self.inheritedDescriptor(path) {
            descriptor = dup(inherited)
            guard descriptor >= 0 else { throw RegistryError.cannotCreate(path: path, reason: PrivateFile.lastError) }
            target = nil
            temporaryPath = nil
            return
        }
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists, info.st_mode & S_IFMT != S_IFREG || path.hasPrefix("/dev/") || path.hasPrefix("/proc/") {
            guard info.st_mode & S_IFMT != S_IFDIR else {
                throw RegistryError.cannotCreate(path: path, reason: "it is a directory")
            }
            descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw RegistryError.cannotCreate(path: path, reason: PrivateFile.lastError) }
            target = nil
            temporaryPath = nil
            return
        }
        if exists, access(path, W_OK) != 0 {
            throw RegistryError.cannotCreate(path: path, reason: "the existing file may not be written (\(PrivateFile.lastError))")
        }
        // A link named as the output is followed, as writing through it would.
        let target = Self.resolved(path)
        let descriptor: Int32
        let temporaryPath: String?
        do {
            (descriptor, temporaryPath) = try PrivateFile.temporary(beside: target, mode: mode, unnamed: Self.usesUnnamedFiles)
        } catch RegistryError.cannotCreate(_, let reason) {
            throw RegistryError.cannotCreate(path: path, reason: reason)
        }
        if exists {
            // Replaced, not loosened: a file made private or another owner's stays so.
            fchmod(descriptor, info.st_mode & 0o7777)
            _ = fchown(descriptor, info.st_uid, info.st_gid)
        }
        self.descriptor = descriptor
        self.target = target
        self.temporaryPath = temporaryPath
    }

    deinit { discard() }

    /// Flushes the file to disk, without giving it its name yet (see `commit`).
    func sync() throws {
        guard !done, !synced, target != nil else { return }
        guard fsync(descriptor) == 0 else { throw Self.writeError(path: path) }
        synced = true
    }

    /// Flushes the file to disk and gives it the target's name.
    func commit() throws {
        guard !done else { return }
        try sync()
        done = true
        defer { close(descriptor) }
        guard let target else { return }
        if let temporaryPath {
            guard rename(temporaryPath, target) == 0 else {
                let reason = PrivateFile.lastError
                unlink(temporaryPath)
                throw RegistryError.cannotCreate(path: path, reason: reason)
            }
        } else {
            // The unnamed file gets a name of its own, then takes the target's in one step.
            let temporary = PrivateFile.temporaryName(beside: target)
            guard linkat(AT_FDCWD, PrivateFile.path(of: descriptor), AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                throw RegistryError.cannotCreate(path: path, reason: PrivateFile.lastError)
            }
            guard rename(temporary, target) == 0 else {
                let reason = PrivateFile.lastError
                unlink(temporary)
                throw RegistryError.cannotCreate(path: path, reason: reason)
            }
        }
        Self.syncFolder(of: target)
    }

    /// Gives up: the file is dropped and the target stays as it was.
    func discard() {
        guard !done else { return }
        done = true
        close(descriptor)
        if let temporaryPath { unlink(temporaryPath) }
    }

    /// The descriptor that `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` or `/proc/self/fd/N` names.
    static func inheritedDescriptor(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                return Int32(path.dropFirst(prefix.count))
            }
            return nil
        }
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
