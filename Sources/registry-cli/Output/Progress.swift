import Foundation
import Registry

/// A progress line on stderr, only when stderr is a terminal.
final class Progress {
    private let enabled = isatty(2) == 1
    private let start = Date()
    private var shown = false

    func show(_ progress: ImportProgress) {
        guard enabled else { return }
        let seconds = max(Date().timeIntervalSince(start), 0.001)
        var text = "\r\(progress.rows) rows, \(Int(Double(progress.rows) / seconds)) rows/s"
        if let total = progress.totalBytes, total > 0 {
            text += String(format: " (%.0f%%)", Double(progress.bytesRead) * 100 / Double(total))
        }
        FileHandle.standardError.write(Data(text.utf8))
        shown = true
    }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
