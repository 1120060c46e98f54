import ArgumentParser
import Registry

/// The options and the argument of commands about one entity: `registry entity update|close|show|history REF`.
struct EntityReference: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entity: its id, NIP, REGON or KRS.") var reference: String
}
