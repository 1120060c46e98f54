import ArgumentParser
import Registry

/// `--region PREFIX`: only entities whose commune's TERYT code begins so.
struct RegionOption: ParsableArguments {
    @Option(help: "A TERYT prefix: 2 digits (voivodeship), 4 (county) or 7 (commune).") var region: String?

    /// A prefix the library would refuse is refused before anything is opened, in its words.
    func validate() throws {
        try refusing { _ = try region.map(TerytPrefix.init) }
    }
}
