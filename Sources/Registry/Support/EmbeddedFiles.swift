import Foundation

/// Files compiled into the library (migrations, the bundled TERYT dictionary).
enum EmbeddedFiles {
    static func data(_ path: String) -> Data? {
        EmbeddedResources.files[path].flatMap { Data(base64Encoded: $0) }
    }

    static func paths(under folder: String) -> [String] {
        EmbeddedResources.files.keys.filter { $0.hasPrefix(folder + "/") }.sorted()
    }
}
