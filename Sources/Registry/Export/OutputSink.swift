#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte sink over a file descriptor: standard output or a file being written.
///
/// A file is written completely or not at all (`AtomicFile`): it replaces what was at its path
/// only at `finish()`; a sink dropped before that leaves the previous file as it was.
public final class OutputSink {
    private let descriptor: Int32
    private let file: AtomicFile?
    private var buffer: [UInt8] = []
    /// Where the bytes go, for error messages.
    public let path: String

    /// Standard output.
    public static func standardOutput() -> OutputSink {
        OutputSink(descriptor: 1, file: nil, path: "standard output")
    }

    /// A new file at `path`, which must not be the registry at `registryPath` or one of its
    /// companions (`-wal`, `-shm`, `-journal`, `-search`); it takes the umask like any output.
    public static func file(_ path: String, protecting registryPath: String) throws -> OutputSink {
        try RegistryFiles(databasePath: registryPath).refuseOverwrite(by: path)
        let file = try AtomicFile(path: path)
        return OutputSink(descriptor: file.descriptor, file: file, path: path)
    }

    private init(descriptor: Int32, file: AtomicFile?, path: String) {
        self.descriptor = descriptor
        self.file = file
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if let file {
            file.discard()
        } else {
            try? flush()
        }
    }
    /// Appends text (UTF-8).
    public func write(_ text: String) throws {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends raw bytes.
    public func write(bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends bytes from a buffer.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Appends one byte.
    public func write(byte: UInt8) {
        buffer.append(byte)
    }

    /// Writes out what is buffered.
    public func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let error = AtomicFile.writeError(path: path)
                buffer.removeAll(keepingCapacity: true)
                throw error
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes out what is buffered and, for a file, flushes it to disk without putting it in place
    /// yet: what is left to `finish` can then hardly fail (an import syncs its rejects file before
    /// its commit and puts it in place after).
    public func sync() throws {
        try flush()
        try file?.sync()
    }

    /// Writes out what is buffered and, for a file, puts it in place: the output is complete.
    public func finish() throws {
        try flush()
        try file?.commit()
    }
}
