import Foundation
import Testing
@testable import SQLiteStore

@Suite("Transaction epoch")
struct TransactionEpochTests {
    @Test("the epoch moves when a transaction commits or rolls back and when a savepoint rolls back, not within a transaction")
    func epochMoves() throws {
        let directory = TemporaryDirectory()
        let database = try Database(path: directory.file("epoch.sqlite"), access: .readWriteCreate)
        try database.execute("CREATE TABLE t (x)")
        var epoch = database.transactionEpoch
        try database.transaction {
            try database.run("INSERT INTO t VALUES (1)")
            try database.savepoint("row") { try database.run("INSERT INTO t VALUES (2)") }
            #expect(database.transactionEpoch == epoch, "nothing ended yet")
            struct Refused: Error {}
            #expect(throws: Refused.self) { try database.savepoint("row") { throw Refused() } }
            #expect(database.transactionEpoch != epoch, "a savepoint rolled back")
            epoch = database.transactionEpoch
        }
        #expect(database.transactionEpoch != epoch, "committed")
        epoch = database.transactionEpoch
        struct Failed: Error {}
        #expect(throws: Failed.self) { try database.transaction { throw Failed() } }
        #expect(database.transactionEpoch != epoch, "rolled back")
        epoch = database.transactionEpoch
        try database.run("INSERT INTO t VALUES (3)")
        #expect(database.transactionEpoch != epoch, "a statement outside a transaction commits")
        epoch = database.transactionEpoch
        #expect(try database.scalarInt("SELECT count(*) FROM t") == 3)
        #expect(database.transactionEpoch == epoch, "a read commits nothing")
    }
}
