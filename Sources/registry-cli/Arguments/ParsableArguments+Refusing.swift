import ArgumentParser
import Registry

extension ParsableArguments {
    /// Runs checks of argument values in `validate()`, reporting a refusal as `Main` reports every
    /// library error (`registry: error: …` and its exit code: 64 for usage, 65 for a bad value)
    /// rather than as argument-parser reports other errors thrown there (exit 1). So a check moved
    /// here from `run()` keeps its message and exit code, and runs before anything is opened.
    func refusing(_ check: () throws -> Void) throws {
        do {
            try check()
        } catch let error as RegistryError {
            Output.error(error)
            throw ExitCode(ExitCodes.of(error))
        }
    }
}
