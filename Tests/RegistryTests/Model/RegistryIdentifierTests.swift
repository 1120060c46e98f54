import Foundation
import Testing
@testable import Registry

@Suite("Registry ids")
struct RegistryIdentifierTests {
    /// The milliseconds in an id's first 48 bits.
    static func millis(_ id: String) -> UInt64? {
        UInt64(id.replacingOccurrences(of: "-", with: "").prefix(12), radix: 16)
    }

    @Test("ids are UUIDv7 text: the instant's milliseconds, version 7, the RFC 9562 variant, increasing and unique")
    func layoutAndOrder() throws {
        let date = Date()
        let requested = UInt64(date.timeIntervalSince1970 * 1000)
        // More ids than one millisecond's 12-bit counter holds, all asked for the same instant.
        let ids = (0..<10_000).map { _ in Identifier.make(at: date) }
        #expect(ids.allSatisfy(Identifier.isIdentifier))
        #expect(ids.allSatisfy { $0 == $0.lowercased() && $0.count == 36 })
        #expect(ids.allSatisfy { Array($0)[14] == "7" })
        #expect(ids.allSatisfy { "89ab".contains(Array($0)[19]) })
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "each id sorts after the one made before it")
        let times = ids.compactMap(Self.millis)
        #expect(times.count == ids.count)
        #expect(try #require(times.first) >= requested)
        #expect(Set(times).count > 1, "the counter ran out and the next millisecond was taken")
        // The last 62 bits are random: no two ids share them.
        #expect(Set(ids.map { $0.suffix(17) }).count == ids.count)
    }
}
