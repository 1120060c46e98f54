import ArgumentParser
import Registry

/// A library error met while checking argument values in `validate()`.
///
/// argument-parser reports an error thrown there as "Error: …" with exit 1; the registry reports
/// its errors as `registry: error: …` with their own exit code (64 for usage, 65 for a bad value).
/// So `refusing` keeps the error here and throws only its exit code, and `Main` prints it, unless
/// the same command line asked for --help.
enum ArgumentRefusal {
    /// Set at most once, while the command line is parsed (one thread, before `run()`).
    nonisolated(unsafe) static var pending: RegistryError?
}

extension ParsableArguments {
    /// Runs checks of argument values in `validate()`: a check moved here from `run()` keeps its
    /// message and exit code, and runs before anything is opened.
    func refusing(_ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as RegistryError {
            ArgumentRefusal.pending = error
            throw ExitCode(ExitCodes.of(error))
        }
    }
}
