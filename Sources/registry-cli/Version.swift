/// The version `registry --version` prints.
enum RegistryVersion {
    static let current = "0.1.0"
}
