/// How a search ranked its matches: tests assert the path that ran, since every path gives the
/// same results.
enum SearchPlan: Equatable, Sendable {
    /// One connection ranked every match.
    case oneConnection
    /// `connections` read-only connections each ranked a range of rowids at once.
    case partitioned(connections: Int)
    /// `connections` were opened, but writes kept landing between their starts; one connection answered.
    case oneConnectionAfterPartitionRetries(connections: Int)
}
