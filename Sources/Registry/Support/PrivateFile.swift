import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that hold the registry's data outside the registry (spools, scratch files, copies):
/// created 0600, never through a symbolic link and never over an existing file, so another user
/// cannot read them and a link planted in their place cannot send the data elsewhere.
enum PrivateFile {
    /// Linux's O_TMPFILE (`__O_TMPFILE | O_DIRECTORY`), a macro Swift does not import; the value
    /// is the one of x86-64 and arm64, the registry's platforms.
    static let temporaryFileFlag: Int32 = 0o20000000 | O_DIRECTORY

    /// Creates `path` for reading and writing, mode `mode` (less the umask); refuses an existing
    /// file or link there (EEXIST, ELOOP) instead of opening it.
    static func create(_ path: String, mode: mode_t = 0o600) throws -> Int32 {
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw RegistryError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        return descriptor
    }

    /// A new file in the folder of `target`: with no name (gone with its last descriptor, so
    /// nothing is left behind whatever ends the process) where the file system can make one and
    /// `unnamed` allows it, else a hidden one beside `target` (`temporaryName`), whose path is
    /// returned for the caller to rename or remove.
    static func temporary(beside target: String, mode: mode_t, unnamed: Bool = true) throws -> (descriptor: Int32, path: String?) {
        let folder = (target as NSString).deletingLastPathComponent
        if unnamed {
            let descriptor = open(folder.isEmpty ? "." : folder, temporaryFileFlag | O_RDWR | O_CLOEXEC, mode)
            if descriptor >= 0 { return (descriptor, nil) }
        }
        let path = temporaryName(beside: target)
        return (try create(path, mode: mode), path)
    }

    /// A path that opens the file behind `descriptor` anew (its own offset), for readers that take
    /// a path; valid while the descriptor is open.
    static func path(of descriptor: Int32) -> String {
        "/proc/self/fd/\(descriptor)"
    }

    /// A new name beside `path` in its folder (hidden, unique), for a file that takes `path`'s
    /// name once complete.
    static func temporaryName(beside path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).\(Identifier.make()).tmp"
    }

    /// The error text of the last failed call.
    static var lastError: String { String(cString: strerror(errno)) }
}
