#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered byte sink over a file descriptor: standard output or a file being written.
public final class OutputSink {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    /// Where the bytes go, for error messages.
    public let path: String

    /// Standard output.
    public static func standardOutput() -> OutputSink {
        OutputSink(descriptor: 1, owns: false, path: "standard output")
    }

    /// Creates (or truncates) the file at `path`.
    public static func file(_ path: String) throws -> OutputSink {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw RegistryError.cannotCreate(path: path, reason: String(cString: strerror(errno)))
        }
        return OutputSink(descriptor: descriptor, owns: true, path: path)
    }

    private init(descriptor: Int32, owns: Bool, path: String) {
        self.descriptor = descriptor
        self.ownsDescriptor = owns
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        try? flush()
        if ownsDescriptor { close(descriptor) }
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
                let message = String(cString: strerror(errno))
                buffer.removeAll(keepingCapacity: true)
                throw RegistryError.io(path: path, message: "cannot write: \(message)")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
