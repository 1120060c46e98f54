import Foundation

/// A temporary folder removed when the value is released.
final class TemporaryDirectory {
    let path = NSTemporaryDirectory() + "sqlitestore-tests-" + UUID().uuidString

    init() {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}
