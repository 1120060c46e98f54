import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads an open file chunk by chunk with `read(2)` into one buffer it keeps, and closes it when done.
///
/// Foundation's `read(upToCount:)` makes a new `Data` for every chunk (and the CSV reader then an
/// array of it): allocations large enough that glibc consolidated, before each, the thousands of
/// small blocks a batch of rows had just freed, on the thread that also parses and validates rows.
final class ChunkReader {
    private let handle: FileHandle
    private let path: String
    private let scratch: UnsafeMutableBufferPointer<UInt8>

    /// Reads `handle` (the file at `path`, named in errors) `size` bytes at a time.
    init(_ handle: FileHandle, path: String, size: Int = 1 << 18) {
        self.handle = handle
        self.path = path
        scratch = .allocate(capacity: size)
    }

    deinit {
        try? handle.close()
        scratch.deallocate()
    }

    /// The next chunk, valid until the next call; empty at the end of the file.
    func next() throws -> UnsafeBufferPointer<UInt8> {
        var got = -1
        var failure: Int32 = 0
        repeat {
            got = read(handle.fileDescriptor, scratch.baseAddress, scratch.count)
            failure = got < 0 ? errno : 0
        } while failure == EINTR
        if got < 0 {
            throw RegistryError.io(path: path, message: "cannot read: \(String(cString: strerror(failure)))")
        }
        return UnsafeBufferPointer(rebasing: scratch[..<got])
    }
}
